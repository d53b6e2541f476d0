/**
 * Bulk throughput: N invites through the in-process queue → the local event source (2 pollers,
 * each a worker container with its share of R) → the simulator limited to R requests/s.
 */
import { enqueueInvites } from '../lib/bulk/producer';
import { readClientConfig } from '../lib/openai/config';
import { createBulkWorker, setQueues } from '../lib/bulk/runtime';
import { QueueEventSource } from '../local/event-source';
import { LocalQueue } from '../local/local-queue';
import { InvitesSimulator } from '../local/openai-simulator';
import type { FigureRow } from './report';

const KEY = 'sk-admin-bench-0000-key';
const WORKERS = 2;

export interface BulkFigure {
  invites: number;
  rateLimit: number;
  workers: number;
  seconds: number;
  achievedRate: number;
  lost: number;
  duplicates: number;
  throttled: number;
}

const runOnce = async (count: number, rateLimit: number): Promise<BulkFigure> => {
  const simulator = new InvitesSimulator({ apiKeys: [KEY], rateLimit: { ratePerSecond: rateLimit } });
  const upstream = await simulator.start();
  const deadLetterQueue = new LocalQueue({ name: 'bench-dlq' });
  const queue = new LocalQueue({
    name: 'bench',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 5,
    deadLetterQueue,
  });
  setQueues({ queue, deadLetterQueue });
  const emails = Array.from({ length: count }, (_, n) => `bulk${n}@example.com`);
  for (let start = 0; start < count; start += 1000) {
    const chunk = emails
      .slice(start, start + 1000)
      .map((email, index) => ({ index, invite: { email, role: 'reader' as const } }));
    await enqueueInvites(queue, chunk, { jobId: `bench-${start}`, source: 'bench' });
  }

  const config = { ...readClientConfig({}), baseUrl: upstream, adminKey: KEY };
  const workerConfig = { rateLimitRps: rateLimit, maxConcurrency: WORKERS, retryBaseSeconds: 1 };
  const source = new QueueEventSource({
    queue,
    maxConcurrency: WORKERS,
    handlerFor: () => {
      const worker = createBulkWorker(config, workerConfig);
      return (event, context) => worker.handle(event, context);
    },
  });
  const startedAt = performance.now();
  source.start();
  const giveUpAt = Date.now() + Math.max(60_000, (count / rateLimit) * 3_000);
  while (simulator.invites.length < count && Date.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  await source.stop();
  const invited = simulator.invites.map((invite) => invite.email);
  const unique = new Set(invited);
  const figure: BulkFigure = {
    invites: count,
    rateLimit,
    workers: WORKERS,
    seconds,
    achievedRate: unique.size / seconds,
    lost: emails.filter((email) => !unique.has(email)).length,
    duplicates: invited.length - unique.size,
    throttled: simulator.requests.filter((request) => request.status === 429).length,
  };
  setQueues({});
  await simulator.stop();
  return figure;
};

export const measureBulk = async (): Promise<BulkFigure[]> => [
  await runOnce(1000, 200),
  await runOnce(10_000, 200),
];

/** Target: at least 0.9 R achieved, nothing lost, nothing invited twice. */
export const bulkRows = (figures: BulkFigure[]): FigureRow[] => {
  const rows: FigureRow[] = figures.map((row) => ({
    figure: `bulk, ${row.invites.toLocaleString('en-US').replace(',', ' ')} invites at R = ${row.rateLimit}/s`,
    result: `${(row.achievedRate / row.rateLimit).toFixed(3)} R, ${row.lost} lost, ${row.duplicates} duplicates, ${row.throttled} × 429 (${row.seconds.toFixed(1)} s)`,
    target: '≥ 0.9 R, 0 lost, 0 duplicates',
    met: row.achievedRate / row.rateLimit >= 0.9 && row.lost === 0 && row.duplicates === 0,
  }));
  if (figures.length === 2) {
    rows.push({
      figure: `bulk time, ${figures[1]!.invites / figures[0]!.invites} × the invites`,
      result: `× ${(figures[1]!.seconds / figures[0]!.seconds).toFixed(1)}`,
      target: '',
      met: null,
    });
  }
  return rows;
};
