/**
 * GET /organization/invites/bulk/{job_id} over real HTTP: the local gateway (route table) → the
 * function → the ledger in moto's DynamoDB, found through INVITE_LEDGER_TABLE as in AWS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { LocalGateway } from '../../local/gateway';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import type { Json } from '../support/invoke';

const gateway = new LocalGateway();
let base: string;
let seeding: DynamoDbLedger;

const getJob = async (jobId: string): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${base}/organization/invites/bulk/${encodeURIComponent(jobId)}`);
  return { status: response.status, body: await response.json() };
};

beforeAll(async () => {
  const table = await createLedgerTable();
  process.env.INVITE_LEDGER_TABLE = table;
  seeding = new DynamoDbLedger(table, ledgerClient);
  base = await gateway.start();
});
afterEach(() => {
  setLedger(undefined);
});
afterAll(async () => {
  await gateway.stop();
  delete process.env.INVITE_LEDGER_TABLE;
});

describe('GET /organization/invites/bulk/{job_id}', () => {
  it('answers 200 with the job’s progress, then completed once every item has settled', async () => {
    const jobId = `wave-${Date.now()}.a:1`;
    await seeding.startJob({ jobId, total: 3, source: 'api' });
    await seeding.recordItem({
      jobId,
      index: 0,
      email: 'ada@example.com',
      outcome: 'created',
      source: 'api',
    });
    await seeding.recordItem({
      jobId,
      index: 2,
      email: 'bad@example.com',
      outcome: 'failed',
      source: 'api',
      code: 'invite_rejected',
      message: 'OpenAI refused the invite.',
    });

    const during = await getJob(jobId);
    await seeding.recordItem({
      jobId,
      index: 1,
      email: 'lin@example.com',
      outcome: 'already_invited',
      source: 'api',
    });
    const after = await getJob(jobId);

    expect(during.status).toBe(200);
    expect(during.body).toEqual({
      object: 'organization.invite.bulk_job',
      job_id: jobId,
      status: 'in_progress',
      total: 3,
      counts: { created: 1, already_invited: 0, revoked: 0, failed: 1, pending: 1 },
      failures: [
        {
          index: 2,
          email: 'bad@example.com',
          code: 'invite_rejected',
          message: 'OpenAI refused the invite.',
          person: '/people/bad%40example.com',
        },
      ],
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect(Math.abs(during.body.created_at - Date.now() / 1000)).toBeLessThan(120);
    expect(after.body).toMatchObject({
      status: 'completed',
      counts: { created: 1, already_invited: 1, failed: 1, pending: 0 },
    });
  });

  it('answers 404 job_not_found for a job the ledger does not know', async () => {
    const { status, body } = await getJob('wave-never-sent');

    expect(status).toBe(404);
    expect(body).toEqual({
      error: {
        message: "No bulk job found with id 'wave-never-sent'.",
        type: 'invalid_request_error',
        param: 'job_id',
        code: 'job_not_found',
      },
    });
  });

  it.each(['wave 1', 'wave%1', 'a'.repeat(129), 'wave$1'])(
    'answers 400 for the malformed job id %j, before reading the ledger',
    async (jobId) => {
      setLedger({} as never); // any read would throw: validation comes first

      const { status, body } = await getJob(jobId);

      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        type: 'invalid_request_error',
        param: 'job_id',
        code: 'invalid_request',
      });
      expect(body.error.message).toMatch(/^Invalid job id/);
    },
  );

  it('answers 503 ledger_unavailable when the table cannot be read, naming no table', async () => {
    setLedger(new DynamoDbLedger('no-such-ledger-table', ledgerClient));

    const { status, body } = await getJob('wave-1');

    expect(status).toBe(503);
    expect(body.error).toMatchObject({ type: 'server_error', code: 'ledger_unavailable', param: null });
    expect(JSON.stringify(body)).not.toContain('no-such-ledger-table');
  });

  it('answers 500 configuration_error when INVITE_LEDGER_TABLE is not set', async () => {
    const table = process.env.INVITE_LEDGER_TABLE;
    delete process.env.INVITE_LEDGER_TABLE;
    try {
      const { status, body } = await getJob('wave-1');

      expect(status).toBe(500);
      expect(body.error).toMatchObject({
        code: 'configuration_error',
        message: expect.stringContaining('INVITE_LEDGER_TABLE'),
      });
    } finally {
      process.env.INVITE_LEDGER_TABLE = table;
    }
  });
});
