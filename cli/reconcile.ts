/**
 * `openai-invites reconcile ROSTER.csv [--apply] [--offboard] [--json]`: holds the organization
 * against a roster (the bulk CLI's file). Reads the organization's invites and members straight
 * from OpenAI with the Admin key (OPENAI_ADMIN_KEY; under `npm start`, its simulator), plans with
 * lib/lifecycle/reconcile-plan.ts and prints the plan. Without --apply nothing changes. With it:
 * invites, re-invites and replacements go as one bulk job (replace_pending) to the gateway or the
 * queue; revocations are DELETEs through the gateway, or revoke messages on the queue; offboarding
 * (--offboard) is a revoke message on the queue, which the worker carries out only with
 * OFFBOARD_MEMBERS=true. Exit codes: 0 done (or nothing to do), 1 something not applied, 2 usage.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { enqueueRevocation } from '../lib/bulk/producer';
import { SqsQueue } from '../lib/bulk/queue';
import { MAX_INVITES_PER_JOB } from '../lib/bulk/jobs';
import { formatPlan, isEmptyPlan, planReconcile, type ReconcilePlan } from '../lib/lifecycle/reconcile-plan';
import { ConfigurationError } from '../lib/commons/errors';
import { type ClientConfig, readClientConfig } from '../lib/openai/config';
import { createInvitesClient } from '../lib/openai/runtime';
import type { Invite, OrganizationUser } from '../lib/openai/types';
import { readBulkFile } from './bulk-file';
import { type Destination, gatewayDestination, queueDestination } from './destinations';
import { SendFailedError } from './failures';
import { authFrom, authHeaders, type GatewayAuth, gatewayFrom } from './gateway';
import { printable } from './job-view';

export const RECONCILE_USAGE = `Usage: openai-invites reconcile ROSTER [options]

ROSTER is the bulk-invite file (CSV: email, role, projects; JSONL). Reads the organization's
invites and members from OpenAI with the Admin key: OPENAI_ADMIN_KEY_SECRET_ID (the stack's
secret, read with your AWS credentials) or OPENAI_ADMIN_KEY, at INVITES_UPSTREAM_URL (default
https://api.openai.com/v1; https unless loopback; OPENAI_BASE_URL is not read; under npm start:
INVITES_UPSTREAM_URL=http://127.0.0.1:3001/v1 OPENAI_ADMIN_KEY=sk-local-simulator) and prints
what would make the organization match.

Options:
  --offboard         also plan removing members who are not on the roster (owners: never)
  --json             print the plan as JSON instead of text
  --apply            carry the plan out: invites as one bulk job, revocations, offboarding
  --gateway URL      apply through this API (default: INVITES_API_URL, else http://127.0.0.1:3000/v1)
  --queue-url URL    apply straight onto the bulk queue (default: INVITE_QUEUE_URL); the only
                     way to offboard (the worker removes members only with OFFBOARD_MEMBERS=true)
  --token TOKEN      bearer token for a gateway in token mode (default: INVITES_API_TOKEN)
  --job-id ID        the job's id (default: reconcile- and a random suffix)
  -h, --help`;

const SOURCE = 'reconcile';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

export const reconcile = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      apply: { type: 'boolean', default: false },
      offboard: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      gateway: { type: 'string' },
      'queue-url': { type: 'string' },
      token: { type: 'string' },
      'job-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file) {
    console.log(RECONCILE_USAGE);
    return values.help ? 0 : 2;
  }
  // The deployed secret (with the operator's AWS credentials) or a key in the environment, sent
  // only to INVITES_UPSTREAM_URL (https unless loopback; OPENAI_BASE_URL is never read).
  let clientConfig: ClientConfig;
  try {
    clientConfig = readClientConfig();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`openai-invites: ${error.message}`);
    return 2;
  }
  if (!clientConfig.adminKeySecretId && !clientConfig.adminKey) {
    console.error(
      "openai-invites: reconcile reads the organization with the Admin key: set OPENAI_ADMIN_KEY_SECRET_ID (the stack's secret, read with your AWS credentials) or OPENAI_ADMIN_KEY.",
    );
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`openai-invites: cannot read ${file} (${(error as { code?: string }).code ?? 'error'}).`);
    return 2;
  }
  const { lines, fileError } = readBulkFile(file, text);
  const rejected = lines.filter((line) => line.error);
  if (fileError || rejected.length > 0) {
    // A roster with a bad line would plan that person's removal: refuse the whole roster.
    if (fileError) console.error(`${file}: ${fileError}`);
    for (const line of rejected) console.error(`${file}:${line.line}: ${line.error}`);
    console.error('Nothing was planned: fix the roster first.');
    return 2;
  }
  const roster = lines.flatMap((line) => (line.invite ? [line.invite] : []));

  // A production key read from Secrets Manager: say where it goes before the first call (stderr).
  if (clientConfig.adminKeySecretId) {
    console.error(
      `openai-invites: upstream ${clientConfig.baseUrl} (Admin key from secret ${clientConfig.adminKeySecretId})`,
    );
  }
  // Retries go to stderr, so `--json` on stdout stays one JSON document.
  const client = createInvitesClient(clientConfig, {
    onRetry: (notice) => console.error(`openai-invites: retrying an OpenAI call (${JSON.stringify(notice)})`),
  });
  const [invites, members]: [Invite[], OrganizationUser[]] = await Promise.all([
    collect(client.listAllInvites()),
    collect(client.listAllUsers()),
  ]);
  const plan = planReconcile(roster, invites, members, { offboard: values.offboard });
  if (values.json) console.log(JSON.stringify(plan, null, 2));
  else console.log(formatPlan(plan).map(printable).join('\n'));
  if (!values.apply) {
    if (!values.json)
      console.log(isEmptyPlan(plan) ? 'Nothing to do.' : 'Nothing changed (add --apply to carry it out).');
    return 0;
  }
  if (isEmptyPlan(plan)) {
    console.log('Nothing to do.');
    return 0;
  }
  return applyPlan(plan, {
    queueUrl: values['queue-url'] ?? (values.gateway ? undefined : process.env.INVITE_QUEUE_URL),
    gateway: gatewayFrom(values.gateway),
    token: values.token,
    jobId: values['job-id'] ?? `reconcile-${randomUUID().slice(0, 8)}`,
  });
};

interface ApplyOptions {
  queueUrl?: string;
  gateway: string;
  token?: string;
  jobId: string;
}

/** Sends the plan; prints what was sent and what was not. 0 when all of it went. */
const applyPlan = async (plan: ReconcilePlan, options: ApplyOptions): Promise<number> => {
  // A token when given (or INVITES_API_TOKEN), else SigV4 for an API in IAM mode, as `bulk-invite`.
  const auth = authFrom(options.gateway, { token: options.token });
  const jobOptions = { source: SOURCE, replacePending: true };
  const destination: Destination = options.queueUrl
    ? queueDestination(options.queueUrl, jobOptions)
    : gatewayDestination(options.gateway, jobOptions, auth);
  const invites = plan.lines.flatMap((line) =>
    (line.action === 'invite' || line.action === 'reinvite' || line.action === 'replace') && line.wanted
      ? [line.wanted]
      : [],
  );
  const failures: string[] = [];
  const jobIds: string[] = [];
  for (let start = 0; start < invites.length; start += MAX_INVITES_PER_JOB) {
    const jobId =
      invites.length > MAX_INVITES_PER_JOB
        ? `${options.jobId}-${start / MAX_INVITES_PER_JOB + 1}`
        : options.jobId;
    try {
      await destination.send(jobId, invites.slice(start, start + MAX_INVITES_PER_JOB));
      jobIds.push(jobId);
    } catch (error) {
      if (!(error instanceof SendFailedError)) throw error;
      failures.push(`job ${jobId}: ${error.message}`);
    }
  }
  const queue = options.queueUrl ? new SqsQueue(options.queueUrl) : undefined;
  let revoked = 0;
  for (const line of plan.lines.filter((candidate) => candidate.action === 'revoke')) {
    try {
      if (queue) await enqueueRevocation(queue, line.email, { jobId: options.jobId, source: SOURCE });
      else await deleteThroughGateway(options.gateway, line.inviteId!, auth);
      revoked += 1;
    } catch (error) {
      failures.push(`revoke ${line.email}: ${(error as Error).message}`);
    }
  }
  let offboarded = 0;
  for (const line of plan.lines.filter((candidate) => candidate.action === 'offboard')) {
    if (!queue) {
      failures.push(
        `offboard ${line.email}: needs --queue-url (the worker offboards with OFFBOARD_MEMBERS=true)`,
      );
      continue;
    }
    try {
      await enqueueRevocation(queue, line.email, { jobId: options.jobId, source: SOURCE });
      offboarded += 1;
    } catch (error) {
      failures.push(`offboard ${line.email}: ${(error as Error).message}`);
    }
  }
  for (const failure of failures) console.error(`Not applied: ${printable(failure)}`);
  const via = queue ? options.queueUrl : options.gateway;
  console.log(
    `Applied through ${via}: ${invites.length} invite(s) in ${jobIds.length ? `job ${jobIds.join(', ')}` : 'no job'}` +
      `, ${revoked} revocation(s), ${offboarded} offboarding(s) queued.` +
      (jobIds.length ? ` Progress: openai-invites job ${jobIds[0]}` : ''),
  );
  return failures.length > 0 ? 1 : 0;
};

/** `DELETE /organization/invites/{id}` on the gateway: the API revokes and audits it at once. */
const deleteThroughGateway = async (gateway: string, inviteId: string, auth: GatewayAuth): Promise<void> => {
  const url = `${gateway.replace(/\/+$/, '')}/organization/invites/${encodeURIComponent(inviteId)}`;
  const response = await fetch(url, {
    method: 'DELETE',
    headers: await authHeaders(url, auth, { method: 'DELETE' }),
  });
  // 404: already gone, which is what the plan wanted.
  if (!response.ok && response.status !== 404) {
    throw new Error(`HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  }
};
