/**
 * The checks of `openai-invites smoke`, each one request that changes nothing: no invite is
 * created or deleted, no message is enqueued. Each says what it proved, or the cause.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_PATHS } from '../local/local-routes';
import type { LocalStatus } from '../local/status-route';
import { type Answer, callGateway, type GatewayAuth } from './gateway';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What it proved, or the cause and what to do. */
  detail: string;
  /** Not run (nothing to check it with): never a failure. */
  skipped?: boolean;
}

export interface SmokeTarget {
  base: string;
  auth: GatewayAuth;
  queueUrl?: string;
}

/** An answer in OpenAI's error shape, with that status and (when given) that code. */
const isErrorShape = (answer: Answer, status: number, code?: string): boolean => {
  const error = (answer.body as { error?: Record<string, unknown> } | null)?.error;
  return (
    answer.status === status &&
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    'param' in error &&
    'code' in error &&
    (code === undefined || error.code === code)
  );
};

const said = (answer: Answer): string =>
  `HTTP ${answer.status}${answer.error?.code ? ` ${answer.error.code}` : ''}${answer.error?.message ? `: ${String(answer.error.message).slice(0, 300)}` : ''}`;

const authAdvice = (answer: Answer): string => {
  if (answer.status === 401 && answer.error?.code === 'admin_key_rejected')
    return ' OpenAI refused the Admin key: put a valid sk-admin-… key in the Admin-key secret.';
  if (answer.status === 401 || answer.status === 403)
    return ' The gateway refused this caller: in token mode pass --token (or INVITES_API_TOKEN); in IAM mode your AWS identity needs execute-api:Invoke.';
  return '';
};

type Check = (target: SmokeTarget) => Promise<CheckResult>;

const get = (target: SmokeTarget, path: string) =>
  callGateway(`${target.base}${path}`, target.base, { auth: target.auth });

export const SMOKE_CHECKS: Check[] = [
  async (target) => {
    const answer = await get(target, '/organization/invites?limit=1');
    const ok = answer.status === 200 && (answer.body as { object?: string } | null)?.object === 'list';
    return {
      name: 'auth, and the Admin key accepted by OpenAI (a read-only list of 1 invite)',
      ok,
      detail: ok ? 'GET /organization/invites?limit=1 → 200 list' : `${said(answer)}.${authAdvice(answer)}`,
    };
  },
  async (target) => {
    const answer = await get(target, '/organization/invites/invite-smoke-check-absent');
    const ok = isErrorShape(answer, 404);
    return {
      name: "an unknown invite is a 404 in OpenAI's error shape",
      ok,
      detail: ok
        ? 'GET /organization/invites/{id} → 404 {"error": {message, type, param, code}}'
        : said(answer),
    };
  },
  async (target) => {
    const answer = await get(target, '/organization/invites?smoke=1');
    const ok = isErrorShape(answer, 400, 'unknown_parameter');
    return {
      name: 'the list route refuses a query parameter it does not read',
      ok,
      detail: ok ? 'GET /organization/invites?smoke=1 → 400 unknown_parameter' : said(answer),
    };
  },
  async (target) => {
    const list = await get(target, '/organization/invites/bulk?limit=1');
    const missing = await get(target, '/organization/invites/bulk/smoke-check-absent');
    const ok = list.status === 200 && isErrorShape(missing, 404, 'job_not_found');
    return {
      name: 'the job routes answer from the ledger',
      ok,
      detail: ok
        ? 'GET /organization/invites/bulk → 200 list; …/bulk/{job_id} → 404 job_not_found'
        : `list: ${said(list)}; unknown job: ${said(missing)}`,
    };
  },
  async (target) => {
    const answer = await get(target, `/people/${encodeURIComponent('smoke-check@example.invalid')}`);
    const ok = isErrorShape(answer, 404, 'person_not_found');
    return {
      name: 'the people route answers from the ledger',
      ok,
      detail: ok ? 'GET /people/{email} → 404 person_not_found' : said(answer),
    };
  },
  async (target) => {
    const name = 'the bulk queue is reachable';
    if (target.queueUrl) {
      try {
        const answer = await new SQSClient({}).send(
          new GetQueueAttributesCommand({
            QueueUrl: target.queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        return {
          name,
          ok: true,
          detail: `${target.queueUrl}: ${answer.Attributes?.ApproximateNumberOfMessages ?? '?'} waiting`,
        };
      } catch (error) {
        return {
          name,
          ok: false,
          detail: `${(error as Error).name}: ${(error as Error).message} (check AWS_REGION, credentials and sqs:GetQueueAttributes on ${target.queueUrl})`,
        };
      }
    }
    const local = await callGateway(`${new URL(target.base).origin}${LOCAL_PATHS.status}`, target.base, {});
    if (local.status === 200) {
      const status = local.body as LocalStatus;
      return {
        name,
        ok: true,
        detail: status.queue ? `in-process: ${status.queue.messages} waiting` : 'npm start with SQS',
      };
    }
    return {
      name,
      ok: true,
      skipped: true,
      detail: "not checked: pass --queue-url (the stack's QueueUrl output) or set INVITE_QUEUE_URL",
    };
  },
];
