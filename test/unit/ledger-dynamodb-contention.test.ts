/**
 * DynamoDbLedger under DynamoDB's answers to concurrent writes, which moto_server cannot give (it
 * does not isolate concurrent conditional writes): a lost condition, a transaction conflict, a
 * request that no retry can fix, throttling, a failing service. The answers come over HTTP from a
 * scripted DynamoDB on 127.0.0.1 (test/support/fake-dynamodb.ts), through the ledger's real
 * client. Everything else about the ledger runs on moto (test/integration/ledger.test.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbServiceError } from '../../lib/commons/dynamodb-json-client';
import { createLedgerClient } from '../../lib/ledger/dynamodb-client';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { ItemOutcome } from '../../lib/ledger/types';
import { cancelled, CREDENTIALS, FakeDynamoDb, fault, throttled } from '../support/fake-dynamodb';

const dynamodb = new FakeDynamoDb();
let ledger: DynamoDbLedger;
const created: ItemOutcome = {
  jobId: 'wave-1',
  index: 4,
  email: 'ada@example.com',
  outcome: 'created',
  source: 'api',
};

beforeAll(async () => {
  await dynamodb.start();
  // The ledger's own client (two attempts, bounded timeouts), aimed at the scripted DynamoDB.
  ledger = new DynamoDbLedger(
    'ledger',
    createLedgerClient({ endpoint: dynamodb.url, region: 'us-east-1', credentials: CREDENTIALS }),
  );
});
afterAll(() => dynamodb.close());

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on('UpdateItem', { body: {} });
});

describe('DynamoDbLedger.recordItem under contention', () => {
  it('re-reads after losing its condition to a concurrent delivery, and then counts nothing', async () => {
    dynamodb.on('GetItem', { body: {} }, { body: { Item: { outcome: { S: 'created' } } } });
    dynamodb.on('TransactWriteItems', cancelled('ConditionalCheckFailed', 'None'));

    await ledger.recordItem(created);

    expect(dynamodb.calls('TransactWriteItems')).toHaveLength(1);
    expect(dynamodb.calls('GetItem')).toHaveLength(2);
    // The email's record is written again (idempotent), so a retry after a failed write gets it in.
    expect(dynamodb.calls('UpdateItem')).toHaveLength(1);
  });

  it('tries again after a transaction conflict on the job’s counters', async () => {
    dynamodb.on('GetItem', { body: {} });
    dynamodb.on('TransactWriteItems', cancelled('None', 'TransactionConflict'), { body: {} });

    await ledger.recordItem(created);

    const writes = dynamodb.calls('TransactWriteItems');
    expect(writes).toHaveLength(2);
    expect(writes[1]!.body.TransactItems?.[1]?.Update?.UpdateExpression).toMatch(/^ADD #to :one SET/);
    expect(dynamodb.calls('UpdateItem')).toHaveLength(1);
  });

  it('gives up at once on a request no retry can fix, and after 5 tries on endless conflicts', async () => {
    dynamodb.on('GetItem', { body: {} });
    dynamodb.on('TransactWriteItems', cancelled('ValidationError', 'None'));
    const invalid = await ledger.recordItem(created).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(DynamoDbServiceError);
    expect(invalid).toMatchObject({ name: 'TransactionCanceledException' });
    expect(dynamodb.calls('TransactWriteItems')).toHaveLength(1);

    dynamodb.reset();
    dynamodb.on('GetItem', { body: {} });
    dynamodb.on('TransactWriteItems', cancelled('TransactionConflict', 'None'));
    const conflicted = await ledger.recordItem(created).catch((error: unknown) => error);
    expect(conflicted).toMatchObject({ name: 'TransactionCanceledException' });
    expect(dynamodb.calls('TransactWriteItems')).toHaveLength(5);
  });

  it('never retries a ValidationException, neither in the client nor in the ledger', async () => {
    dynamodb.on('GetItem', { body: {} });
    dynamodb.on(
      'TransactWriteItems',
      fault('ValidationException', 'One or more parameter values were invalid'),
    );

    await expect(ledger.recordItem(created)).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(dynamodb.calls('TransactWriteItems')).toHaveLength(1);
    expect(dynamodb.calls('UpdateItem')).toHaveLength(0);
  });

  it('rides out throttling and a 500: the client retries once, the ledger re-reads and tries again', async () => {
    dynamodb.on('GetItem', { body: {} });
    // Throttled twice (the client's two attempts), then a 500 and a success (one client call).
    dynamodb.on(
      'TransactWriteItems',
      throttled(),
      throttled(),
      fault('InternalServerError', 'Internal server error', { status: 500 }),
      { body: {} },
    );

    await ledger.recordItem(created);

    expect(dynamodb.calls('TransactWriteItems')).toHaveLength(4);
    // One read before each ledger-level try: the first failed after two throttled attempts.
    expect(dynamodb.calls('GetItem')).toHaveLength(2);
    expect(dynamodb.calls('UpdateItem')).toHaveLength(1);
  });
});

describe('DynamoDbLedger.claimReinvite under contention', () => {
  const claim = { email: 'ada@example.com', expiredInviteId: 'invite-1', max: 2 };

  it('answers already_claimed when a concurrent sweep won the condition', async () => {
    dynamodb.on('UpdateItem', fault('ConditionalCheckFailedException', 'The conditional request failed'));
    // What the winner left: this expired invite claimed, one re-invite counted.
    dynamodb.on('GetItem', {
      body: {
        Item: {
          email: { S: 'ada@example.com' },
          source: { S: 'sweep' },
          last_outcome: { S: 'created' },
          reinvite_count: { N: '1' },
          reinvited_from: { S: 'invite-1' },
          created_at: { S: '2026-01-01T00:00:00.000Z' },
          updated_at: { S: '2026-01-01T00:00:00.000Z' },
        },
      },
    });

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: false, reason: 'already_claimed' });
    expect(dynamodb.calls('UpdateItem')).toHaveLength(1);
  });

  it('grants the claim with the count DynamoDB answers, in one conditional update', async () => {
    dynamodb.on('UpdateItem', { body: { Attributes: { reinvite_count: { N: '2' } } } });

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: true, count: 2 });
    const [update] = dynamodb.calls('UpdateItem');
    expect(update!.body.ConditionExpression).toContain('#from <> :expired');
    expect(update!.body.ConditionExpression).toContain('#count < :max');
    expect(update!.body.ReturnValues).toBe('UPDATED_NEW');
  });
});
