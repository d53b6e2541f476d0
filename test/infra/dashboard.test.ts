/** The operator's dashboard (issue 28, item 5): one per stack, showing what the runbook asks about. */
import { describe, expect, it } from 'vitest';
import { DASHBOARD_WORKER_METRICS, OPENAI_CALLERS } from '../../infra/constructs/invites-dashboard';
import { synthStack } from './synth';

const { template, stack } = synthStack();
const dashboards = template.findResources('AWS::CloudWatch::Dashboard');

/** The dashboard body with its CloudFormation references flattened to their logical ids. */
const body = (): string => {
  const [dashboard] = Object.values(dashboards) as { Properties: { DashboardBody: unknown } }[];
  return JSON.stringify(dashboard!.Properties.DashboardBody);
};

describe('the operator dashboard', () => {
  it('is one dashboard named after the stack', () => {
    expect(Object.keys(dashboards)).toHaveLength(1);
    expect(JSON.stringify(Object.values(dashboards)[0])).toContain('-operations');
    expect(stack.dashboard).toBeDefined();
  });

  it("shows invites created, duplicates, throttled, failed, dead-lettered and offboarded, by the worker's metric names", () => {
    for (const metric of Object.keys(DASHBOARD_WORKER_METRICS))
      expect(body(), metric).toContain(`"${metric}`.slice(1));
    expect(body()).toContain('OpenAIInvites');
    expect(body()).toContain('NumberOfMessagesSent');
    expect(body()).toContain('dead-lettered');
  });

  it("shows the queue depth and age, errors per function and the OpenAI callers' latency", () => {
    expect(body()).toContain('ApproximateNumberOfMessagesVisible');
    expect(body()).toContain('ApproximateAgeOfOldestMessage');
    expect(body()).toContain('Errors');
    for (const name of stack.functions.keys())
      expect(body(), name).toContain(`"label":"${name}"`.replace(/"/g, '\\"'));
    expect(body()).toContain('p90');
    for (const name of OPENAI_CALLERS) expect([...stack.functions.keys()]).toContain(name);
  });
});
