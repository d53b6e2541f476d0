/**
 * What every function does first on each invocation, whatever triggers it (API Gateway, the token
 * authorizer, SQS, the schedule): Powertools' `logger.addContext`, so every log line of the
 * invocation carries `cold_start`, `function_request_id`, `function_name` (and the ARN, memory
 * size and version), and on the first invocation of an execution environment a `ColdStart` metric.
 *
 * The metric is one CloudWatch EMF line written here, the line Powertools Metrics'
 * `captureColdStartMetric` writes (namespace, dimensions `service` and `function_name`, ColdStart
 * = 1 Count), rather than the Metrics package: that adds ≈ 12 KB to every API bundle, and
 * create and delete are already over their size budget (README, "Libraries").
 */
import type { Context } from 'aws-lambda';
import { ENV } from './env';
import { logger } from './logger';

let coldStart = true;

/**
 * The EMF line of a cold start: only inside Lambda (npm start and tests run many "functions"),
 * and, as Powertools counts cold starts, only in an on-demand environment (not provisioned).
 */
const coldStartMetric = (context: Context): void => {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) return;
  if (process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() !== 'on-demand') return;
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: process.env[ENV.metricsNamespace] ?? 'OpenAIInvites',
          Dimensions: [['service', 'function_name']],
          Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
        },
      ],
    },
    service: process.env[ENV.serviceName] ?? 'openai-invites',
    function_name: context.functionName,
    ColdStart: 1,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

/** Marks the invocation: Lambda context on the log lines, and a ColdStart metric once. */
export const startInvocation = (context: Context | undefined): void => {
  if (!context?.awsRequestId) return;
  logger.addContext(context);
  if (coldStart) {
    coldStart = false;
    coldStartMetric(context);
  }
};

/** `handler`, with startInvocation before it: the shape of every non-HTTP function's export. */
export const withInvocation =
  <Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) =>
  (event: Event, context: Context): Promise<Result> => {
    startInvocation(context);
    return handler(event, context);
  };
