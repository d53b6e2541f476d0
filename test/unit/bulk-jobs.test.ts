import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { checkJob, parseBulkRequest } from '../../lib/bulk/jobs';
import { enqueueInvites } from '../../lib/bulk/producer';
import { InvalidRequestError } from '../../lib/http/errors';
import { thrownBy } from '../support/thrown';
import { EnqueueFailedError, InvalidJobError } from '../../lib/bulk/errors';
import { SqsQueue } from '../../lib/bulk/queue';

const invites = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    index,
    invite: { email: `u${index}@example.com`, role: 'reader' as const },
  }));

describe('checkJob', () => {
  it('keeps valid items and lists invalid ones with their index', () => {
    const job = checkJob({
      job_id: 'j1',
      invites: [{ email: 'a@example.com', role: 'reader' }, { email: 'b' }],
    });

    expect(job.jobId).toBe('j1');
    expect(job.valid).toEqual([{ index: 0, invite: { email: 'a@example.com', role: 'reader' } }]);
    expect(job.invalid).toEqual([
      { index: 1, param: 'invites[1].email', message: expect.stringContaining('email') },
    ]);
  });

  it('gives a job without an id a fresh one', () => {
    expect(checkJob({ invites: [{ email: 'a@example.com', role: 'reader' }] }).jobId).toMatch(
      /^job_[0-9a-f-]{36}$/,
    );
  });

  it('keeps the source a job names, and refuses one that is not a short label', () => {
    const one = [{ email: 'a@example.com', role: 'reader' }];

    expect(checkJob({ invites: one, source: 'hr-csv' }).source).toBe('hr-csv');
    expect(checkJob({ invites: one }).source).toBeUndefined();
    for (const source of ['', 'a b', 'x'.repeat(65), 7]) {
      expect(() => checkJob({ invites: one, source })).toThrow(
        expect.objectContaining({ param: 'source', constructor: InvalidJobError }),
      );
    }
  });

  it('keeps "replace_pending": true, defaults it to false, and refuses a non-boolean', () => {
    const one = [{ email: 'a@example.com', role: 'reader' }];

    expect(checkJob({ invites: one, replace_pending: true }).replacePending).toBe(true);
    expect(checkJob({ invites: one }).replacePending).toBe(false);
    expect(() => checkJob({ invites: one, replace_pending: 'yes' })).toThrow(
      expect.objectContaining({ param: 'replace_pending', constructor: InvalidJobError }),
    );
  });

  it.each([[null], [[]], ['x'], [{ invites: 'no' }]])('refuses %j as a job', (body) => {
    expect(() => checkJob(body)).toThrow(InvalidJobError);
  });

  it('refuses one email twice with different terms, each item naming the other', () => {
    const job = checkJob({
      invites: [
        { email: 'ada@example.com', role: 'reader' },
        { email: 'bob@example.com', role: 'reader' },
        { email: 'ADA@example.com', role: 'owner' },
      ],
    });

    expect(job.valid.map((item) => item.index)).toEqual([1]);
    expect(job.invalid).toEqual([
      { index: 0, param: 'invites[0].email', message: expect.stringContaining('also at invites[2]') },
      { index: 2, param: 'invites[2].email', message: expect.stringContaining('also at invites[0]') },
    ]);
  });

  it('keeps one email twice with the same terms (the worker deduplicates it)', () => {
    const projects = [
      { id: 'p1', role: 'member' },
      { id: 'p2', role: 'owner' },
    ];
    const job = checkJob({
      invites: [
        { email: 'ada@example.com', role: 'reader', projects },
        { email: 'ada@example.com', role: 'reader', projects: [...projects].reverse() },
      ],
    });

    expect(job.invalid).toEqual([]);
    expect(job.valid).toHaveLength(2);
  });

  it('answers the bulk route 400 naming both indexes of a conflicting email', () => {
    const error = thrownBy(
      () =>
        parseBulkRequest({
          invites: [
            { email: 'ada@example.com', role: 'reader', projects: [] },
            { email: 'ada@example.com', role: 'reader', projects: [{ id: 'p1', role: 'member' }] },
          ],
        }),
      InvalidRequestError,
    );

    expect(error).toMatchObject({ status: 400, param: 'invites[0].email' });
    expect(error.message).toContain('invites[0].email: The same email is also at invites[1]');
    expect(error.message).toContain('invites[1].email: The same email is also at invites[0]');
  });
});

// moto always accepts a whole batch, so partial failures come from aws-sdk-client-mock.
describe('enqueueInvites when SendMessageBatch partly fails', () => {
  const sqs = mockClient(SQSClient);
  const queue = new SqsQueue('https://sqs.us-east-1.amazonaws.com/000000000000/invites', new SQSClient({}));

  afterEach(() => {
    sqs.reset();
  });

  it('marks every message of a replace_pending job, and no message of another', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await enqueueInvites(queue, invites(2), { jobId: 'j1', source: 'api', replacePending: true });
    await enqueueInvites(queue, invites(1), { jobId: 'j2', source: 'api' });
    const [replacing, plain] = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries!);

    expect(replacing!.map((entry) => entry.MessageAttributes?.replace_pending?.StringValue)).toEqual([
      'true',
      'true',
    ]);
    expect(plain![0]!.MessageAttributes?.replace_pending).toBeUndefined();
  });

  it('sends 10 a call and resends only the failed entries', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });

    const count = await enqueueInvites(queue, invites(25), { jobId: 'j', source: 'test', concurrency: 1 });

    const calls = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.map((e) => e.Id));
    expect(count).toBe(25);
    expect(calls.map((ids) => ids?.length)).toEqual([10, 1, 10, 5]);
    expect(calls[1]).toEqual(['3']);
    const first = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries![0]!;
    expect(JSON.parse(first.MessageBody!)).toEqual({ email: 'u0@example.com', role: 'reader' });
    expect(first.MessageAttributes).toMatchObject({
      job_id: { DataType: 'String', StringValue: 'j' },
      source: { StringValue: 'test' },
      index: { StringValue: '0' },
    });
  });

  it('gives up with 503 enqueue_failed when an entry keeps failing or is the sender’s fault', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true }] });

    const error = await enqueueInvites(queue, invites(1), { jobId: 'j', source: 'test' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(EnqueueFailedError);
    expect(error).toMatchObject({ status: 503, code: 'enqueue_failed' });
  });

  it('turns an SQS outage into 503 enqueue_failed', async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));

    const error = await enqueueInvites(queue, invites(3), { jobId: 'j', source: 'test' }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ status: 503, code: 'enqueue_failed' });
    expect((error as Error).message).toContain('ServiceUnavailable');
  });
});
