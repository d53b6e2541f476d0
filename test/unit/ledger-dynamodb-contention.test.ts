/**
 * DynamoDbLedger under DynamoDB's answers to concurrent writes, which moto_server cannot give (it
 * does not isolate concurrent conditional writes): a lost condition, a transaction conflict, a
 * request that no retry can fix. Everything else about the ledger runs on moto
 * (test/integration/ledger.test.ts).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import type { ItemOutcome } from '../../lib/ledger/types';

const client = new DynamoDBClient({ region: 'us-east-1' });
const dynamodb = mockClient(client);
const ledger = new DynamoDbLedger('ledger', client);
const created: ItemOutcome = {
  jobId: 'wave-1',
  index: 4,
  email: 'ada@example.com',
  outcome: 'created',
  source: 'api',
};

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(UpdateItemCommand).resolves({});
});

describe('DynamoDbLedger.recordItem under contention', () => {
  it('re-reads after losing its condition to a concurrent delivery, and then counts nothing', async () => {
    dynamodb
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolves({ Item: { outcome: { S: 'created' } } });
    dynamodb.on(TransactWriteItemsCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));

    await ledger.recordItem(created);

    expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(GetItemCommand)).toHaveLength(2);
    // The email's record is written again (idempotent), so a retry after a failed write gets it in.
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('tries again after a transaction conflict on the job’s counters', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(TransactWriteItemsCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});

    await ledger.recordItem(created);

    const writes = dynamodb.commandCalls(TransactWriteItemsCommand);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.args[0].input.TransactItems?.[1]?.Update?.UpdateExpression).toMatch(
      /^ADD #to :one SET/,
    );
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('gives up at once on a request no retry can fix, and after 5 tries on endless conflicts', async () => {
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(TransactWriteItemsCommand).rejects(cancelled('ValidationError', 'None'));
    await expect(ledger.recordItem(created)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);

    dynamodb.reset();
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(TransactWriteItemsCommand).rejects(cancelled('TransactionConflict', 'None'));
    await expect(ledger.recordItem(created)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamodb.commandCalls(TransactWriteItemsCommand)).toHaveLength(5);
  });
});

describe('DynamoDbLedger.claimReinvite under contention', () => {
  const claim = { email: 'ada@example.com', expiredInviteId: 'invite-1', max: 2 };
  const lost = new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
  });

  it('answers already_claimed when a concurrent sweep won the condition', async () => {
    dynamodb.on(UpdateItemCommand).rejects(lost);
    // What the winner left: this expired invite claimed, one re-invite counted.
    dynamodb.on(GetItemCommand).resolves({
      Item: {
        email: { S: 'ada@example.com' },
        source: { S: 'sweep' },
        last_outcome: { S: 'created' },
        reinvite_count: { N: '1' },
        reinvited_from: { S: 'invite-1' },
        created_at: { S: '2026-01-01T00:00:00.000Z' },
        updated_at: { S: '2026-01-01T00:00:00.000Z' },
      },
    });

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: false, reason: 'already_claimed' });
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('grants the claim with the count DynamoDB answers, in one conditional update', async () => {
    dynamodb.on(UpdateItemCommand).resolves({ Attributes: { reinvite_count: { N: '2' } } });

    expect(await ledger.claimReinvite(claim)).toEqual({ claimed: true, count: 2 });
    const [update] = dynamodb.commandCalls(UpdateItemCommand);
    expect(update!.args[0].input.ConditionExpression).toContain('#from <> :expired');
    expect(update!.args[0].input.ConditionExpression).toContain('#count < :max');
  });
});
