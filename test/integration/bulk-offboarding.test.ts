/**
 * Leavers who are already members, end to end on real parts: revoke messages on SQS in moto →
 * the worker → the simulator's users over HTTP, outcomes in the ledger and people in moto's
 * DynamoDB. OFFBOARD_MEMBERS=true removes the member when the leaver's source has the authority
 * (an employee-of-record source, or a membership from the product's own invite), never an owner;
 * otherwise the person is listed for someone to act, never counted revoked.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqsQueue } from '../../lib/bulk/queue';
import { setQueues } from '../../lib/bulk/runtime';
import { DynamoDbLedger } from '../../lib/ledger/dynamodb-ledger';
import { setLedger } from '../../lib/ledger/runtime';
import { DynamoDbPersonStore } from '../../lib/people/dynamodb-store';
import { setPersonStore } from '../../lib/people/runtime';
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

const revokeFrom = (source: string, ...emails: string[]) =>
  queue.sendBatch(
    emails.map((email, index) => ({
      id: String(index),
      body: JSON.stringify({ email }),
      attributes: { action: 'revoke', source },
    })),
  );
/** Okta's deactivation: an employee-of-record source, with the authority to remove a member. */
const revoke = (...emails: string[]) => revokeFrom('okta', ...emails);

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

let people: DynamoDbPersonStore;
beforeAll(async () => {
  const table = await createLedgerTable();
  ledger = new DynamoDbLedger(table, ledgerClient);
  people = new DynamoDbPersonStore(table, { client: ledgerClient });
  setLedger(ledger);
  setPersonStore(people);
});
afterAll(() => {
  setQueues({});
  setLedger(undefined);
  setPersonStore(undefined);
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
          caller: 'bulk:okta',
          email: 'ada@example.com',
        }),
        expect.objectContaining({ action: 'user.removed', caller: 'bulk:okta', userId: bob.id }),
      ]),
    );
    expect(await ledger.getInvite('ada@example.com')).toMatchObject({
      lastOutcome: 'revoked',
      status: 'offboarded',
    });
    const history = (await people.history('ada@example.com')).events.map((event) => event.kind);
    expect(history.slice(0, 2)).toEqual(['offboarded', 'observed_accepted']);
    expect(history).toContain('declared');
  }, 40_000);

  it('never lets a Greenhouse unhire remove a member the product did not invite: listed for a person, not counted revoked', async () => {
    member('colleague@example.com');
    simulator.seedUser({ email: 'oldtimer@example.com' });
    await revokeFrom('greenhouse', 'colleague@example.com', 'oldtimer@example.com');

    const outcomes = await run(true, 2);

    expect(outcomes).toEqual(['revoke_needs_offboarding', 'revoke_needs_offboarding']);
    expect(userEmails()).toEqual(expect.arrayContaining(['colleague@example.com', 'oldtimer@example.com']));
    expect(simulator.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    for (const email of ['colleague@example.com', 'oldtimer@example.com']) {
      expect(await ledger.getInvite(email)).toMatchObject({
        lastOutcome: 'failed',
        failureCode: 'revoke_needs_offboarding',
      });
      const person = await people.get(email);
      expect(person?.awaiting).toMatchObject({ code: 'revoke_needs_offboarding' });
      expect(person?.awaiting?.reason).toContain(
        'greenhouse may not remove a member the product did not invite',
      );
    }
    expect((await people.listAwaiting()).map((person) => person.email)).toEqual(
      expect.arrayContaining(['colleague@example.com', 'oldtimer@example.com']),
    );
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

  it('never removes an owner: listed owner_not_removed with a reason, for a person to decide', async () => {
    member('boss@example.com', 'owner');
    await revoke('boss@example.com', 'founder@example.com');

    const outcomes = await run(true, 2);

    expect(outcomes).toEqual(['revoke_needs_offboarding', 'revoke_needs_offboarding']);
    expect(userEmails()).toEqual(['founder@example.com', 'boss@example.com']);
    expect(simulator.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    expect(await drain(deadLetterQueue)).toEqual([]);
    for (const email of ['boss@example.com', 'founder@example.com']) {
      expect(await ledger.getInvite(email)).toMatchObject({
        lastOutcome: 'failed',
        failureCode: 'owner_not_removed',
      });
      expect((await people.get(email))?.awaiting?.reason).toContain('never removed automatically');
    }
    expect(audits().some((audit) => audit.action === 'user.removed')).toBe(false);
  }, 40_000);
});
