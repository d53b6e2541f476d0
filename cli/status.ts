/**
 * `openai-invites status`: the product on one screen. The gateway (reachable, recent jobs), the
 * bulk queue's depth and oldest message, the dead letters by failure code, the people awaiting
 * offboarding, and the OpenAI rate. Under `npm start` everything comes from its gateway (the
 * local-only `/local/status` and `/local/offboarding`); for a deployed stack the queues are read
 * from SQS (--queue-url, --dlq-url: the stack's outputs) and the leavers from its ledger table.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { describeRate } from '../lib/bulk/openai-rate';
import { deadLetterCode } from '../lib/bulk/dead-letter-select';
import type { LocalStatus } from '../local/status-route';
import { LOCAL_PATHS } from '../local/local-routes';
import { sqsDeadLetters } from './dead-letters';
import { EXIT } from './exit-codes';
import { authFrom, callGateway, gatewayFrom } from './gateway';
import { fetchJobs } from './jobs';
import { printable } from './job-view';

export const STATUS_USAGE = `Usage: openai-invites status [options]

One screen: the gateway and its recent jobs, the bulk queue (depth, oldest message), the dead
letters by failure code, people awaiting offboarding, and the OpenAI rate. Under npm start all of
it comes from the gateway; for a deployed stack pass the stack's outputs.

Options:
  --gateway URL      the API's base URL ending in /v1 (default: INVITES_API_URL, else
                     http://127.0.0.1:3000/v1, the npm start gateway)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --sigv4            sign with AWS credentials (IAM mode; automatic for an execute-api URL)
  --queue-url URL    deployed: the bulk queue (default: INVITE_QUEUE_URL; the QueueUrl output)
  --dlq-url URL      deployed: the dead-letter queue (default: INVITE_DLQ_URL; DeadLetterQueueUrl)
  --json             everything as one JSON object
  -h, --help

Exit code 0 when everything answered, 1 when something has dead letters, 3 when the gateway or a
queue cannot be read.`;

interface Section {
  title: string;
  lines: string[];
  /** Something to look at (dead letters). */
  attention?: boolean;
  /** Could not be read. */
  unreadable?: boolean;
}

const sqsDepth = async (url: string, client: SQSClient): Promise<{ messages: number; inFlight: number }> => {
  const answer = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const attributes = answer.Attributes ?? {};
  return {
    messages: Number(attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
};

const byCodeLines = (counts: Record<string, number>): string[] => {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return ['none'];
  return [
    ...entries.map(([code, count]) => `${String(count).padStart(5)}  ${code}`),
    'openai-invites dlq list: each with its reason and what to do',
  ];
};

const section = async (title: string, read: () => Promise<Omit<Section, 'title'>>): Promise<Section> => {
  try {
    return { title, ...(await read()) };
  } catch (error) {
    return {
      title,
      lines: [`cannot read: ${error instanceof Error ? error.message : String(error)}`],
      unreadable: true,
    };
  }
};

export const status = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      gateway: { type: 'string' },
      token: { type: 'string' },
      sigv4: { type: 'boolean', default: false },
      'queue-url': { type: 'string' },
      'dlq-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(STATUS_USAGE);
    return EXIT.ok;
  }
  const base = gatewayFrom(values.gateway);
  const auth = authFrom(base, values);
  const queueUrl = values['queue-url'] ?? process.env.INVITE_QUEUE_URL?.trim();
  const dlqUrl = values['dlq-url'] ?? process.env.INVITE_DLQ_URL?.trim();
  const origin = new URL(base).origin;

  // npm start's own view, when this is its gateway (a deployed API has no /local routes).
  let local: LocalStatus | undefined;
  try {
    const answer = await callGateway(`${origin}${LOCAL_PATHS.status}`, base, {
      auth: values.token ? auth : {},
    });
    if (answer.status === 200) local = answer.body as LocalStatus;
  } catch {
    // Unreachable: the gateway section says so.
  }
  const sqs = new SQSClient({});
  const sections: Section[] = [];

  sections.push(
    await section(`Gateway ${base}`, async () => {
      const list = await fetchJobs(base, 5, auth);
      const running = list.data.filter((job) => job.status === 'in_progress').length;
      return {
        lines: [
          `reachable${local ? ` (npm start; upstream ${local.upstream})` : ''}`,
          `recent jobs: ${list.data.length === 0 ? 'none' : `${list.data.length}${list.has_more ? '+' : ''}, ${running} in progress`}`,
          ...list.data.map(
            (job) =>
              `  ${printable(job.job_id)}  ${job.status}  ${job.total - job.counts.pending}/${job.total}  failed ${job.counts.failed}`,
          ),
        ],
      };
    }),
  );

  sections.push(
    await section('Bulk queue', async () => {
      if (queueUrl) {
        const depth = await sqsDepth(queueUrl, sqs);
        return { lines: [`${depth.messages} waiting, ${depth.inFlight} in flight (${queueUrl})`] };
      }
      if (local?.queue) return { lines: [`${local.queue.messages} waiting or in flight (in-process)`] };
      return { lines: ["not known: pass --queue-url (the stack's QueueUrl output) or set INVITE_QUEUE_URL"] };
    }),
  );

  sections.push(
    await section('Dead letters', async () => {
      if (dlqUrl) {
        const { letters } = await sqsDeadLetters(dlqUrl, undefined, sqs).list();
        const counts: Record<string, number> = {};
        for (const letter of letters) {
          const code = deadLetterCode(letter.attributes);
          counts[code] = (counts[code] ?? 0) + 1;
        }
        return { lines: byCodeLines(counts), attention: letters.length > 0 };
      }
      if (local?.dead_letters)
        return { lines: byCodeLines(local.dead_letters.by_code), attention: local.dead_letters.total > 0 };
      return {
        lines: ["not known: pass --dlq-url (the stack's DeadLetterQueueUrl output) or set INVITE_DLQ_URL"],
      };
    }),
  );

  sections.push(
    await section('Awaiting offboarding', async () => {
      if (!local)
        return { lines: ['deployed: openai-invites offboarding list --table TABLE (the ledger table)'] };
      const answer = await callGateway(`${origin}${LOCAL_PATHS.offboarding}`, base, {});
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
      const count = (answer.body as { data: unknown[] }).data.length;
      return { lines: [count === 0 ? 'nobody' : `${count} (openai-invites offboarding list)`] };
    }),
  );

  sections.push(
    await section('OpenAI rate', async () => {
      if (local) return { lines: [describeRate(local.openai_rate)] };
      const configured = process.env.OPENAI_RATE_LIMIT_RPS?.trim();
      return {
        lines: [
          configured
            ? `${configured} requests/s (OPENAI_RATE_LIMIT_RPS in this shell)`
            : "set at deploy: -c openAiRateLimitRps (the worker's OPENAI_RATE_LIMIT_RPS)",
        ],
      };
    }),
  );

  if (values.json) console.log(JSON.stringify({ sections, local: local ?? null }, null, 2));
  else
    for (const { title, lines } of sections) {
      console.log(title);
      for (const line of lines) console.log(`  ${line}`);
    }
  if (sections.some((one) => one.unreadable)) return EXIT.unreachable;
  return sections.some((one) => one.attention) ? EXIT.failed : EXIT.ok;
};
