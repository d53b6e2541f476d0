/**
 * Runs the reconciler where the product runs it and returns its report: on a deployed stack by
 * invoking its sweeper function with your AWS credentials (the function holds the Admin key and
 * the people table), on `npm start` through its local-only `POST /local/sweep`. `sweep` and
 * `reconcile` both come here. Undefined (said on stderr) when it did not run.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ReconcileInvocation } from '../lib/lifecycle/invocation';
import type { ReconcileReport } from '../lib/lifecycle/reconcile-run';
import { LOCAL_PATHS } from '../local/local-routes';
import { printable } from './job-view';

export interface ReconcilerTarget {
  /** A deployed stack's sweeper (its InviteSweeperFunctionName output). */
  functionName?: string;
  /** Else the npm start gateway. */
  gateway: string;
}

export const invokeReconciler = (
  invocation: ReconcileInvocation,
  target: ReconcilerTarget,
): Promise<ReconcileReport | undefined> =>
  target.functionName
    ? invokeDeployed(target.functionName, invocation)
    : invokeLocal(target.gateway, invocation);

const invokeDeployed = async (functionName: string, invocation: ReconcileInvocation) => {
  let answer;
  try {
    answer = await new LambdaClient({}).send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(invocation)),
      }),
    );
  } catch (error) {
    console.error(
      `Cannot invoke ${functionName} (${(error as Error).name}: ${(error as Error).message}). Check AWS_REGION and that your identity may lambda:InvokeFunction it; a run already in progress answers TooManyRequestsException (one run at a time).`,
    );
    return undefined;
  }
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  if (answer.FunctionError) {
    console.error(printable(`The run failed (${answer.FunctionError}): ${text.slice(0, 300)}`));
    return undefined;
  }
  return JSON.parse(text) as ReconcileReport;
};

const invokeLocal = async (gateway: string, invocation: ReconcileInvocation) => {
  const url = `${new URL(gateway).origin}${LOCAL_PATHS.sweep}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(invocation),
    });
  } catch (error) {
    console.error(
      `Cannot reach ${url} (${(error as Error).message}). Is \`npm start\` running? For a deployed stack pass --function (its InviteSweeperFunctionName output).`,
    );
    return undefined;
  }
  if (!response.ok) {
    console.error(
      printable(`The run did not start: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`),
    );
    return undefined;
  }
  return (await response.json()) as ReconcileReport;
};
