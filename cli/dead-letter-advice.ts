/**
 * What to do about a dead letter, per failure code, in the CLI's own terms (its commands and
 * options, not the API's headers). `dlq list` prints it under the table and in `--json`.
 */
import { RECEIVES_EXHAUSTED } from '../lib/bulk/dead-letter-select';

const FIX_THE_LINE =
  'correct the line in your file and send it again (openai-invites bulk-invite FILE), or the item in the system that enqueued the job, then drop this one: openai-invites dlq discard --job JOB --code CODE (a redrive would fail the same way)';
const TRANSIENT = 'OpenAI did not answer in time; once it does again: openai-invites dlq redrive --job JOB';

const ADVICE: Record<string, string> = {
  invite_pending_with_different_terms:
    'a pending invite grants other terms: to replace it, send the same lines again with openai-invites bulk-invite FILE --replace-pending, then openai-invites dlq discard --job JOB --code CODE; to keep it, just discard',
  invalid_invite: FIX_THE_LINE,
  invalid_job: FIX_THE_LINE,
  invalid_revocation: FIX_THE_LINE,
  unparsable_body:
    'the message is not JSON: fix what produced it, then openai-invites dlq discard --job JOB --code CODE',
  admin_key_rejected:
    'OpenAI refused the Admin key: put a valid sk-admin-… key in the Admin-key secret (aws secretsmanager put-secret-value --secret-id openai/admin-key --secret-string …), then openai-invites dlq redrive --job JOB',
  invite_already_accepted:
    'the person already accepted: nothing to do for the invite; openai-invites dlq discard --job JOB --code CODE',
  user_already_exists:
    'the person is already a member: nothing to invite; openai-invites dlq discard --job JOB --code CODE',
  upstream_timeout: TRANSIENT,
  upstream_unreachable: TRANSIENT,
  upstream_malformed_response: TRANSIENT,
  rate_limit_paused: TRANSIENT,
  enqueue_failed: 'the bulk queue did not take it: openai-invites dlq redrive --job JOB',
  [RECEIVES_EXHAUSTED]:
    'transient failures on every receive (see the worker\'s "retry" log lines); once the cause is gone: openai-invites dlq redrive --job JOB',
};

/** The advice for a dead letter of `code` in job `jobId`, with JOB and CODE filled in. */
export const adviceFor = (code: string, jobId: string | undefined): string =>
  (
    ADVICE[code] ??
    'read the reason: if the cause is fixed at the source, openai-invites dlq discard --job JOB --code CODE; if it was passing, openai-invites dlq redrive --job JOB'
  )
    .replaceAll('JOB', jobId ?? 'JOB_ID')
    .replaceAll('CODE', code);
