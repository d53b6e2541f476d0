/**
 * The budget a warm container keeps between invocations, built once from the environment: in the
 * ledger table when INVITE_LEDGER_TABLE is set (and OPENAI_SHARED_BUDGET is not `false`), else
 * none. `npm start`, tests and benchmarks install another through the setter.
 */
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { ENV } from '../commons/env';
import { logger } from '../commons/logger';
import { SharedBudget } from './budget';
import { type BudgetConfig, readBudgetConfig } from './config';
import { DynamoDbBudgetStore } from './dynamodb-store';
import type { BudgetStore } from './store';

/** The metric a container emits each time it falls back to pacing alone. */
export const DEGRADED_METRIC = 'BudgetStoreUnavailable';

/** Logs and counts a fall back to local pacing (the reason is an error's name: no secret). */
export const reportDegraded = (reason: string): void => {
  logger.warn('budget store unreachable: pacing alone at a conservative share', { reason });
  const metrics = new Metrics({
    namespace: process.env[ENV.metricsNamespace] ?? 'OpenAIInvites',
    serviceName: process.env[ENV.serviceName] ?? 'openai-invites',
  });
  metrics.addMetric(DEGRADED_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};

export const createBudget = (store: BudgetStore, config: BudgetConfig = readBudgetConfig()): SharedBudget =>
  new SharedBudget({
    store,
    ceilingRps: config.ceilingRps,
    fallbackShare: config.fallbackShare,
    // Bulk waits in the queue (re-sent with a delay), not in a container: leavers behind it are read sooner.
    maxWaitMs: { bulk: 5_000 },
    onDegraded: reportDegraded,
  });

let budget: SharedBudget | undefined | null = null;

/** The container's budget, or undefined when none is configured. */
export const findBudget = (): SharedBudget | undefined => {
  if (budget === null) {
    const config = readBudgetConfig();
    budget =
      config.enabled && config.tableName
        ? createBudget(new DynamoDbBudgetStore(config.tableName), config)
        : undefined;
  }
  return budget;
};

/** Replaces the container's budget (null = rebuild from the environment on next use; undefined = none). */
export const setBudget = (replacement: SharedBudget | undefined | null): void => {
  budget = replacement;
};
