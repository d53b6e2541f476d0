/**
 * Issue 29, items 5 and 8: job ids namespaced by origin, sources an API caller cannot claim, and
 * the ids `.` and `..` refused.
 */
import { describe, expect, it } from 'vitest';
import { InvalidJobError } from '../../lib/bulk/errors';
import { parseBulkRequest } from '../../lib/bulk/jobs';
import { isReservedJobId, RESERVED_SOURCES, webhookJobId } from '../../lib/bulk/origins';
import { parseJobId } from '../../lib/http/validation';
import { providerNames } from '../../lib/webhooks/providers/registry';
import { thrownBy } from '../support/thrown';

const invites = [{ email: 'ada@example.com', role: 'reader' }];

describe('an API caller’s bulk job', () => {
  it.each(['greenhouse', 'okta', 'standard', 'bamboohr', 'webhook', 'Okta', 'scim', 'sweeper'])(
    'cannot claim source %s: 400 in OpenAI’s shape, naming the field',
    (source) => {
      // Act
      const error = thrownBy(() => parseBulkRequest({ invites, source }), InvalidJobError);

      // Assess
      expect(error).toBeInstanceOf(InvalidJobError);
      expect((error as InvalidJobError).status).toBe(400);
      expect((error as InvalidJobError).toErrorBody()).toMatchObject({
        error: { type: 'invalid_request_error', param: 'source' },
      });
    },
  );

  it.each(['greenhouse:greenhouse-0123', 'standard:msg_1', 'webhook:x', 'OKTA:abc'])(
    'cannot take job id %s, a webhook’s namespace',
    (jobId) => {
      const error = thrownBy(() => parseBulkRequest({ invites, job_id: jobId }), InvalidJobError);

      expect(error).toBeInstanceOf(InvalidJobError);
      expect((error as InvalidJobError).param).toBe('job_id');
    },
  );

  it('keeps its own labels: hr-csv, reconcile, its-team:wave-1', () => {
    expect(parseBulkRequest({ invites, source: 'hr-csv', job_id: 'its-team:wave-1' })).toMatchObject({
      source: 'hr-csv',
      jobId: 'its-team:wave-1',
    });
    expect(parseBulkRequest({ invites, source: 'reconcile' }).source).toBe('reconcile');
  });
});

describe('origins', () => {
  it('reserve every registered webhook provider’s name', () => {
    for (const name of providerNames()) expect(RESERVED_SOURCES.has(name), name).toBe(true);
  });

  it('put webhook jobs in their provider’s namespace, which no API job can take', () => {
    const jobId = webhookJobId('greenhouse', 'greenhouse-0123abcd');

    expect(jobId).toBe('greenhouse:greenhouse-0123abcd');
    expect(isReservedJobId(jobId)).toBe(true);
    expect(parseJobId(jobId)).toBe(jobId);
  });
});

describe('job ids . and ..', () => {
  it.each(['.', '..'])('are refused as %s, in a job and on the job route', (jobId) => {
    expect(thrownBy(() => parseBulkRequest({ invites, job_id: jobId }), InvalidJobError)).toBeInstanceOf(
      InvalidJobError,
    );
    expect(() => parseJobId(jobId)).toThrow(/not '\.' or '\.\.'/);
  });

  it('still allow dots inside an id', () => {
    expect(parseJobId('wave.1')).toBe('wave.1');
    expect(parseJobId('...')).toBe('...');
  });
});
