/**
 * One bulk worker container in a process of its own, as a deployed one is built: everything from
 * the environment it is started with (INVITE_QUEUE_URL, INVITE_DLQ_URL, INVITE_LEDGER_TABLE for
 * the ledger, the people store and the shared budget, OPENAI_RATE_LIMIT_RPS, INVITES_UPSTREAM_URL,
 * OPENAI_ADMIN_KEY, AWS_ENDPOINT_URL for moto), polled as the Lambda event source mapping polls
 * (local/event-source.ts). Argument: a JSON `WorkerContainerSpec`. Its worker's log lines go to
 * stdout; it stops polling, waits for the invocation in flight, and exits when stdin closes.
 * Started by `startWorkerContainer` (below) with `node --import tsx`, as budget-container.ts is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WorkerContainerSpec {
  /** Records per invocation (the mapping's batch size). */
  batchSize: number;
  /** The function's timeout: the invocation's context counts down from it. */
  functionTimeoutMs: number;
}

export interface WorkerContainer {
  process: ChildProcess;
  /** Every JSON line it printed (the worker's logs), parsed. */
  lines: Record<string, unknown>[];
  /** Closes its stdin and resolves when it has exited (at once if it already has). */
  stop(): Promise<void>;
  /** Freezes the process (SIGSTOP), as a hung invocation holds its batch, until `thaw`. */
  freeze(): void;
  thaw(): void;
}

const main = async (spec: WorkerContainerSpec): Promise<void> => {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const { boundedAwsClientConfig } = await import('../../lib/commons/aws-clients');
  const { SqsQueue } = await import('../../lib/bulk/queue');
  const { createBulkWorker } = await import('../../lib/bulk/runtime');
  const { QueueEventSource } = await import('../../local/event-source');
  const queue = new SqsQueue(process.env.INVITE_QUEUE_URL!, new SQSClient(boundedAwsClientConfig()));
  // One worker for the container's life: its budget's state, its connections, its warm store.
  const worker = createBulkWorker();
  const source = new QueueEventSource({
    queue,
    // One container handles one invocation at a time; the fleet is several processes.
    maxConcurrency: 1,
    batchSize: spec.batchSize,
    functionTimeoutMs: spec.functionTimeoutMs,
    handlerFor: () => (event, context) => worker.handle(event, context),
  });
  source.start();
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await source.stop();
  process.exit(0);
};

/**
 * Starts a container process with `env` on top of this one's (moto's endpoint and credentials
 * come from the test's environment).
 */
export const startWorkerContainer = (
  spec: WorkerContainerSpec,
  env: Record<string, string>,
): WorkerContainer => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(spec)],
    {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const text = partial + chunk;
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line (a warning of Node's): not counted.
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    lines,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.stdin!.end();
      await exited;
    },
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(JSON.parse(process.argv[2]!) as WorkerContainerSpec);
}
