/**
 * Provider `greenhouse` (Greenhouse Recruiting web hooks, developers.greenhouse.io/webhooks.html).
 * Header `Signature: sha256 <hex HMAC-SHA256 of the raw body, keyed with the secret>`. The
 * signature covers the body only, so the `Greenhouse-Event-ID` header is nobody's word: it is
 * neither the replay key (a captured body could be sent again under a new one) nor the event id.
 * Both are a digest of the signed body, in receipts, job ids and logs alike.
 * Body `{"action", "payload"}`:
 * - `hire_candidate` → invite: the email is `payload.application.candidate.email_addresses[]`,
 *   the `type: "work"` one first, else the first; the department is the first of
 *   `payload.application.jobs[].departments[].name` (the deprecated `job` is read too).
 * - `unhire_candidate` → revoke, the same email.
 * - `ping` (sent when the hook is saved) and every other action → acknowledged, ignored.
 * The body carries no time of the event: it is timed by its arrival, and its leavers are never
 * deduplicated (lib/webhooks/enqueue.ts).
 */
import { InvalidRequestError } from '../../http/errors';
import { WebhookSignatureError } from '../errors';
import { constantTimeEqual, digestId, fromHex, hmacSha256 } from '../signatures';
import { asString, type DraftEvent, pick, type WebhookProvider, type WebhookRequest } from '../types';

const verify = (request: WebhookRequest, secret: string): void => {
  const header = request.header('signature');
  if (!header) throw new WebhookSignatureError('header Signature is required.');
  const [algorithm, hex] = header.trim().split(/\s+/);
  const received = algorithm?.toLowerCase() === 'sha256' ? fromHex(hex) : undefined;
  if (!received) throw new WebhookSignatureError('header Signature must be "sha256 <64 hex digits>".');
  if (!constantTimeEqual(received, hmacSha256(secret, request.body))) {
    throw new WebhookSignatureError('the Signature does not match the body.', { mismatch: true });
  }
};

/** The work email of a candidate, else the first one. */
export const candidateEmail = (candidate: unknown): string | undefined => {
  const addresses = pick(candidate, 'email_addresses');
  if (!Array.isArray(addresses)) return undefined;
  const work = addresses.find((entry) => asString(pick(entry, 'type'))?.toLowerCase() === 'work');
  return asString(pick(work ?? addresses[0], 'value'));
};

const departmentOf = (application: unknown): string | undefined => {
  const jobs = pick(application, 'jobs');
  const job = Array.isArray(jobs) && jobs.length > 0 ? jobs[0] : pick(application, 'job');
  return asString(pick(job, 'departments', 0, 'name'));
};

const normalise: WebhookProvider['normalise'] = async ({ body, request }) => {
  const action = asString(pick(body, 'action'));
  if (!action) throw new InvalidRequestError('A Greenhouse web hook body has an "action".', 'action');
  const replayKey = `greenhouse-${digestId(request.body)}`;
  // Greenhouse signs the body only: its Greenhouse-Event-ID header is anyone's text, so it never
  // becomes an id, a key or a queue attribute. The event is named by the signed body's digest.
  const id = replayKey;
  const application = pick(body, 'payload', 'application');
  const email = candidateEmail(pick(application, 'candidate')) ?? '';
  const emailPath = 'payload.application.candidate.email_addresses[type=work].value';
  const events: DraftEvent[] = [];
  if (action === 'hire_candidate') {
    events.push({ kind: 'invite', id, replayKey, email, emailPath, department: departmentOf(application) });
  } else if (action === 'unhire_candidate') {
    events.push({ kind: 'revoke', id, replayKey, email, emailPath });
  } else {
    events.push({ kind: 'ignored', id, type: action, reason: 'not an action this endpoint acts on' });
  }
  return events;
};

export const greenhouseProvider: WebhookProvider = {
  name: 'greenhouse',
  developmentSecret: 'local-dev-greenhouse-secret',
  verify,
  normalise,
};
