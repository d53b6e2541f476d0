/**
 * GET /v1/people/{email} over real HTTP: the local gateway (route table) → the function → the
 * people on moto's DynamoDB ledger table, found through INVITE_LEDGER_TABLE as in AWS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { findPersonStore, getPersonStore, setPersonStore } from '../../lib/people/runtime';
import { LocalGateway } from '../../local/gateway';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import type { Json } from '../support/invoke';

const gateway = new LocalGateway();
let base: string;
let table: string;

const getPerson = async (path: string, method = 'GET'): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${base}/people/${path}`, { method });
  return { status: response.status, body: await response.json() };
};

beforeAll(async () => {
  table = await createLedgerTable();
  process.env.INVITE_LEDGER_TABLE = table;
  base = await gateway.start();
});
afterEach(() => {
  setPersonStore(undefined);
});
afterAll(async () => {
  await gateway.stop();
  delete process.env.INVITE_LEDGER_TABLE;
});

describe('GET /people/{email} on DynamoDB', () => {
  it('answers a declared person, and one the ledger knew before people existed', async () => {
    const seeding = new DynamoDbPersonStore(table, { client: ledgerClient });
    await seeding.declare({
      email: 'lin@example.com',
      intent: { state: 'absent' },
      source: 'bamboohr',
      eventId: 'term-7',
      at: '2026-11-02T00:00:00.000Z',
    });
    await new DynamoDbLedger(table, ledgerClient).recordInvite({
      email: 'Old@Example.com',
      outcome: 'created',
      source: 'cli',
      inviteId: 'invite-old',
      role: 'reader',
      status: 'pending',
      at: '2026-01-01T00:00:00.000Z',
    });

    const declared = await getPerson('lin%40example.com');
    const legacy = await getPerson('old%40example.com');

    expect(declared.status).toBe(200);
    expect(declared.body).toMatchObject({
      object: 'person',
      email: 'lin@example.com',
      intent: { state: 'absent' },
      declared_by: { source: 'bamboohr', event_id: 'term-7', at: '2026-11-02T00:00:00.000Z' },
      observed: null,
      awaiting: null,
      history: [{ kind: 'declared', actor: 'bamboohr', detail: expect.stringContaining('absent') }],
      has_more: false,
    });
    expect(legacy.body).toMatchObject({
      email: 'old@example.com',
      intent: { state: 'present', role: 'reader' },
      declared_by: { source: 'cli', at: '2026-01-01T00:00:00.000Z' },
      observed: { invite: { id: 'invite-old', status: 'pending', role: 'reader' } },
      product_invite_ids: ['invite-old'],
      history: [],
    });
    expect(legacy.body.intent).not.toHaveProperty('projects');
  });

  it('answers 503 ledger_unavailable when the table cannot be read, and 405 for another method', async () => {
    setPersonStore(new DynamoDbPersonStore('no-such-ledger-table', { client: ledgerClient }));
    const unavailable = await getPerson('ada%40example.com');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error).toMatchObject({ type: 'server_error', code: 'ledger_unavailable' });

    const posted = await getPerson('ada%40example.com', 'POST');
    expect(posted.status).toBe(405);
    expect(posted.body.error.code).toBe('method_not_allowed');
  });
});

describe('the people runtime', () => {
  it('builds the DynamoDB store from INVITE_LEDGER_TABLE, and insists on one', () => {
    expect(getPersonStore().description).toBe(`DynamoDB table ${table}`);
    setPersonStore(undefined);
    delete process.env.INVITE_LEDGER_TABLE;
    try {
      expect(findPersonStore()).toBeUndefined();
      expect(() => getPersonStore()).toThrow(ConfigurationError);
    } finally {
      process.env.INVITE_LEDGER_TABLE = table;
    }
  });
});
