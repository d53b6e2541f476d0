/**
 * Leavers who are already members, end to end on real parts: revoke messages on SQS in moto →
 * the worker → the simulator's users over HTTP, outcomes in the ledger in moto's DynamoDB.
 * OFFBOARD_MEMBERS=true removes the member (never an owner); false removes nothing.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_ATTRIBUTE } from '../../lib/bulk/messages';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import type { QueueEventSource } from '../../local/event-source';
import { InvitesSimulator } from '../../local/openai-simulator';
import { capturedLogLines } from '../support/captured-output';
import { createLedgerTable, ledgerClient } from '../support/dynamodb';
import { TEST_ADMIN_KEY } from '../support/keys';
import { createQueuePair, drain } from '../support/queues';
import { useSimulator } from '../support/simulator';
import { startWorkers, waitFor } from '../support/workers';

const simulator = new InvitesSimulator({
  apiKeys: [TEST_ADMIN_KEY],
  users: [{ email: 'founder@example.com', role: 'owner' }],
});
useSimulator(simulator);
let queue: SqsQueue;
let deadLetterQueue: SqsQueue;
let ledger: DynamoDbLedger;
let source: QueueEventSource | undefined;
let responses: SQSBatchResponse[];
/** Log lines before this test: captured output is per file. */
let linesBefore = 0;
const logLines = () => capturedLogLines().slice(linesBefore);

/** A person who accepted an invite: a member of the organization. */
const member = (email: string, role: 'reader' | 'owner' = 'reader') => {
  const invite = simulator.seed(email, role);
  simulator.accept(invite.id);
  return invite;
};

const revoke = (...emails: string[]) =>
  queue.sendBatch(
    emails.map((email, index) => ({
      id: String(index),
      body: JSON.stringify({ email }),
      attributes: { action: 'revoke', source: 'greenhouse' },
    })),
  );

const run = async (offboardMembers: boolean, records: number) => {
  ({ source, responses } = startWorkers({ queue, upstream: simulator.url, offboardMembers }));
  const settled = () =>
    logLines().filter((line) => line.message === 'bulk record' && line.outcome !== 'retry');
  await waitFor(() => settled().length >= records, 20_000);
  await source.stop();
  source = undefined;
  return settled().map((line) => line.outcome);
};

const userEmails = () => simulator.users.map((user) => user.email);
const audits = () =>
  logLines()
    .filter((line) => line.message === 'audit')
    .map((line) => line.audit as Record<string, unknown>);

beforeAll(async () => {
  ledger = new DynamoDbLedger(await createLedgerTable(), ledgerClient);
  setLedger(ledger);
});
afterAll(() => {
  setQueues({});
  setLedger(undefined);
});
beforeEach(async () => {
  ({ queue, deadLetterQueue } = await createQueuePair({ visibilityTimeoutSeconds: 5, maxReceiveCount: 3 }));
  setQueues({ queue, deadLetterQueue });
  linesBefore = capturedLogLines().length;
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

describe('offboarding leavers', () => {
  it('with OFFBOARD_MEMBERS=true removes a member (accepted invite, or joined without one), audited and recorded', async () => {
    member('ada@example.com');
    const bob = simulator.seedUser({ email: 'bob@example.com' });
    member('stays@example.com');
    await revoke('ada@example.com', 'bob@example.com');

    const outcomes = await run(true, 2);

    expect(outcomes).toEqual(['offboarded', 'offboarded']);
    expect(userEmails()).toEqual(['founder@example.com', 'stays@example.com']);
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);
    expect(await drain(deadLetterQueue)).toEqual([]);
    expect(audits()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'user.removed',
          caller: 'bulk:greenhouse',
          email: 'ada@example.com',
        }),
        expect.objectContaining({ action: 'user.removed', caller: 'bulk:greenhouse', userId: bob.id }),
      ]),
    );
    expect(await ledger.getInvite('ada@example.com')).toMatchObject({
      lastOutcome: 'revoked',
      status: 'offboarded',
      source: 'greenhouse',
    });
  }, 40_000);

  // Sent before the workers start, in one test each, so the record order is the test's.
  it.each([
    ['removes', true],
    ['does not remove', false],
  ])(
    '%s a member when OFFBOARD_MEMBERS is %s',
    async (_what, offboardMembers) => {
      member('ada@example.com');
      await revoke('ada@example.com');

      const outcomes = await run(offboardMembers, 1);

      expect(outcomes).toEqual([offboardMembers ? 'offboarded' : 'revoke_needs_offboarding']);
      expect(userEmails().includes('ada@example.com')).toBe(!offboardMembers);
      expect(audits().some((audit) => audit.action === 'user.removed')).toBe(offboardMembers);
      const record = await ledger.getInvite('ada@example.com');
      if (offboardMembers) expect(record).toMatchObject({ lastOutcome: 'revoked', status: 'offboarded' });
      else expect(record).toMatchObject({ lastOutcome: 'failed', failureCode: 'revoke_needs_offboarding' });
    },
    40_000,
  );

  it('never removes an owner: dead-lettered owner_not_removed with a reason, for a person to decide', async () => {
    member('boss@example.com', 'owner');
    await revoke('boss@example.com', 'founder@example.com');

    const outcomes = await run(true, 2);
    const dead = await drain(deadLetterQueue);

    expect(outcomes).toEqual(['dead_lettered', 'dead_lettered']);
    expect(userEmails()).toEqual(['founder@example.com', 'boss@example.com']);
    expect(simulator.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    expect(dead).toHaveLength(2);
    for (const message of dead) {
      expect(message.attributes).toMatchObject({
        action: 'revoke',
        [FAILURE_ATTRIBUTE.code]: 'owner_not_removed',
      });
      expect(message.attributes[FAILURE_ATTRIBUTE.reason]).toContain('never removed automatically');
    }
    expect(await ledger.getInvite('boss@example.com')).toMatchObject({
      lastOutcome: 'failed',
      failureCode: 'owner_not_removed',
    });
    expect(audits().some((audit) => audit.action === 'user.removed')).toBe(false);
  }, 40_000);
});
