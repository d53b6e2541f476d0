/**
 * Issue 29, item 4: a conditional claim carries a per-call token. When the first attempt of a
 * claim times out after DynamoDB wrote it, the client's retry fails the condition against that
 * very write: DynamoDB's refusal (ReturnValuesOnConditionCheckFailure: ALL_OLD) carries the token,
 * and the claim is taken as this call's own instead of someone else's. Over HTTP against a
 * scripted DynamoDB (test/support/fake-dynamodb.ts), through the product's real client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { DynamoDbDedupeStore } from '../../lib/webhooks/dedupe';
import { FakeDynamoDb, fault, type ReceivedRequest } from '../support/fake-dynamodb';

const dynamodb = new FakeDynamoDb();
/** Short timeouts: the first attempt's answer is "lost" after 200 ms, and the client retries. */
const client = () => dynamodb.client({ requestTimeout: 200, maxAttempts: 2 });

beforeAll(() => dynamodb.start());
afterAll(() => dynamodb.close());
beforeEach(() => dynamodb.reset());

const conditionFailed = (item: Record<string, unknown>) =>
  fault('ConditionalCheckFailedException', 'The conditional request failed', { extra: { Item: item } });

/** The record as the first attempt left it: this expired invite claimed, with `token`. */
const claimedRecord = (token: string) => ({
  pk: { S: 'EMAIL#ada@example.com' },
  email: { S: 'ada@example.com' },
  source: { S: 'api' },
  last_outcome: { S: 'created' },
  reinvite_count: { N: '1' },
  reinvited_from: { S: 'invite-1' },
  reinvite_claim_token: { S: token },
  created_at: { S: '2026-01-01T00:00:00.000Z' },
  updated_at: { S: '2026-01-01T00:00:00.000Z' },
});

const tokenOfUpdate = (request: ReceivedRequest): string =>
  (request.body.ExpressionAttributeValues as Record<string, { S: string }>)[':token']!.S;

describe('the sweeper’s re-invite claim (DynamoDbLedger.claimReinvite)', () => {
  const claim = { email: 'ada@example.com', expiredInviteId: 'invite-1', max: 2 };

  it('takes its own write as its own when the retry of a timed-out attempt fails the condition', async () => {
    // Prepare: the first attempt lands but its answer never comes; the retry meets that write.
    dynamodb.on('UpdateItem', { hang: true }, (request) =>
      conditionFailed(claimedRecord(tokenOfUpdate(request))),
    );
    const ledger = new DynamoDbLedger('ledger', client());

    // Act
    const result = await ledger.claimReinvite(claim);

    // Assess
    expect(result).toEqual({ claimed: true, count: 1 });
    const updates = dynamodb.calls('UpdateItem');
    expect(updates).toHaveLength(2);
    expect(tokenOfUpdate(updates[0]!)).toBe(tokenOfUpdate(updates[1]!));
    expect(updates[0]!.body.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('still reads another sweep’s claim as already_claimed, from the refusal alone', async () => {
    dynamodb.on('UpdateItem', conditionFailed(claimedRecord('another-sweeps-token')));
    const ledger = new DynamoDbLedger('ledger', client());

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: false, reason: 'already_claimed' });
    expect(dynamodb.calls('GetItem')).toHaveLength(0);
  });

  it('uses a new token for every call', async () => {
    dynamodb.on('UpdateItem', { body: { Attributes: { reinvite_count: { N: '1' } } } });
    const ledger = new DynamoDbLedger('ledger', client());

    await ledger.claimReinvite(claim);
    await ledger.claimReinvite(claim);

    const [first, second] = dynamodb.calls('UpdateItem');
    expect(tokenOfUpdate(first!)).not.toBe(tokenOfUpdate(second!));
  });
});

describe('a webhook’s replay claim (DynamoDbDedupeStore.claim)', () => {
  const tokenOfPut = (request: ReceivedRequest): string =>
    (request.body.Item as Record<string, { S: string }>).token!.S;

  it('takes its own lease as its own when the retry of a timed-out attempt fails the condition', async () => {
    dynamodb.on('PutItem', { hang: true }, (request) =>
      conditionFailed({
        pk: { S: 'standard:msg_1' },
        state: { S: 'pending' },
        token: { S: tokenOfPut(request) },
      }),
    );
    const store = new DynamoDbDedupeStore('replays', client());

    expect(await store.claim('standard:msg_1', 60)).toBe('claimed');
    expect(dynamodb.calls('PutItem')).toHaveLength(2);
  });

  it('still answers in_progress for another delivery’s lease, and duplicate for a confirmed claim', async () => {
    const store = new DynamoDbDedupeStore('replays', client());

    dynamodb.on('PutItem', conditionFailed({ state: { S: 'pending' }, token: { S: 'another' } }));
    expect(await store.claim('standard:msg_1', 60)).toBe('in_progress');

    dynamodb.on('PutItem', conditionFailed({ state: { S: 'done' } }));
    expect(await store.claim('standard:msg_1', 60)).toBe('duplicate');
  });
});
