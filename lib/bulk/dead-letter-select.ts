/**
 * Which dead letters an operator's `--job` and `--code` pick, the same way for SQS and the
 * in-process DLQ. A dead letter SQS moved after its receives were exhausted has no failure code:
 * `--code receives_exhausted` picks those.
 */
import { ATTRIBUTE, FAILURE_ATTRIBUTE } from './messages';

/** The code of a dead letter the worker did not write (SQS moved it after maxReceiveCount). */
export const RECEIVES_EXHAUSTED = 'receives_exhausted';

export const deadLetterCode = (attributes: Record<string, string>): string =>
  attributes[FAILURE_ATTRIBUTE.code] ?? RECEIVES_EXHAUSTED;

/** Whether a dead letter with these attributes is of job `jobId` (any when undefined) and code `code` (any when undefined). */
export const selectsDeadLetter = (
  attributes: Record<string, string>,
  jobId: string | undefined,
  code: string | undefined,
): boolean =>
  (jobId === undefined || attributes[ATTRIBUTE.jobId] === jobId) &&
  (code === undefined || deadLetterCode(attributes) === code);
