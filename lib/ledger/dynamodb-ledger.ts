/**
 * The ledger in DynamoDB (INVITE_LEDGER_TABLE; keys and items in dynamodb-items.ts).
 *
 * An item outcome is one TransactWriteItems: the item put on the condition that it still holds
 * what we read (absent, or its previous outcome), and the job's counters moved with ADD. Two
 * deliveries of one outcome cannot both pass the condition, so nothing counts twice; a condition
 * or transaction conflict (a concurrent delivery of the same item) re-reads and tries again.
 * Email records are written apart, on the condition that they hold nothing newer. Those awaiting
 * a person are listed through a sparse index (dynamodb-items.ts NEEDS_ACTION_INDEX) rather than
 * a Scan: the index holds only them, so listing costs what it returns.
 */
import { randomUUID } from 'node:crypto';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DynamoDbJsonClient, DynamoDbServiceError } from '../commons/dynamodb-json-client';
import {
  emailKey,
  expiresAtFor,
  type Item,
  inviteRecordOf,
  ITEM_PREFIX,
  itemKey,
  jobItemRecordOf,
  jobKey,
  jobRecordOf,
  n,
  NEEDS_ACTION_ATTRIBUTE,
  NEEDS_ACTION_INDEX,
  JOBS_INDEX,
  JOBS_INDEX_ATTRIBUTE,
  JOBS_INDEX_VALUE,
  projectsValue,
  s,
  TTL_ATTRIBUTE,
  UpdateBuilder,
} from './dynamodb-items';
import {
  createLedgerClient,
  isConditionFailure,
  isRetryableWrite,
  MAX_WRITE_ATTEMPTS,
} from './dynamodb-client';
import { DEFAULT_FAILURE_LIMIT, type Ledger, reinviteRefusalOf, timeOf } from './ledger';
import { transitionOf } from './outcomes';
import {
  type InviteEvent,
  type InviteRecord,
  type ItemOutcome,
  type JobItemRecord,
  type JobRecord,
  type JobSnapshot,
  NEEDS_ACTION_CODES,
  needsAction,
  normaliseEmail,
  type Outcome,
  type ReinviteClaim,
  type ReinviteClaimRequest,
  type StartJob,
} from './types';

/** The attribute holding the last re-invite claim's per-call token (never read as a record field). */
const REINVITE_CLAIM_TOKEN = 'reinvite_claim_token';

export class DynamoDbLedger implements Ledger {
  readonly description: string;

  constructor(
    readonly tableName: string,
    private readonly client: DynamoDbJsonClient = createLedgerClient(),
    private readonly now: () => Date = () => new Date(),
  ) {
    this.description = `DynamoDB table ${tableName}`;
  }

  async startJob({ jobId, total, source, at }: StartJob): Promise<void> {
    const time = timeOf(at, this.now);
    // if_not_exists throughout: a second start (a redelivered whole-job message) changes nothing.
    const update = new UpdateBuilder()
      .set('job_id', s(jobId))
      .set('total', n(total), true)
      .set('source', s(source), true)
      .set('created_at', s(time), true)
      .set('updated_at', s(time), true)
      .set(JOBS_INDEX_ATTRIBUTE, s(JOBS_INDEX_VALUE))
      .set(TTL_ATTRIBUTE, expiresAtFor(this.now()));
    await this.client.updateItem({
      TableName: this.tableName,
      Key: jobKey(jobId),
      UpdateExpression: update.expression,
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: update.values,
    });
  }

  async recordItem(outcome: ItemOutcome): Promise<void> {
    const time = timeOf(outcome.at, this.now);
    for (let attempt = 1; ; attempt += 1) {
      const previous = await this.client.getItem({
        TableName: this.tableName,
        Key: itemKey(outcome.jobId, outcome.index),
        ConsistentRead: true,
      });
      const previousOutcome = previous.Item?.outcome?.S as Outcome | undefined;
      const transition = transitionOf(previousOutcome, outcome.outcome);
      if (transition.kind === 'keep') {
        // The same outcome again: write the email's record anyway (idempotent), in case the
        // delivery that counted it failed between its two writes.
        if (previousOutcome === outcome.outcome && outcome.email) await this.recordInvite(outcome);
        return;
      }
      try {
        await this.#writeItem(
          outcome,
          time,
          previousOutcome,
          transition.kind === 'move' ? transition : undefined,
        );
        break;
      } catch (error) {
        if (attempt >= MAX_WRITE_ATTEMPTS || !isRetryableWrite(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * Math.random()));
      }
    }
    // An item without a usable email (an invalid item of a job) counts in its job, nowhere else.
    if (outcome.email) await this.recordInvite(outcome);
  }

  async #writeItem(
    outcome: ItemOutcome,
    time: string,
    previous: Outcome | undefined,
    move: { from?: Outcome; to: Outcome } | undefined,
  ): Promise<void> {
    const failed = outcome.outcome === 'failed';
    const put = {
      TableName: this.tableName,
      Item: {
        ...itemKey(outcome.jobId, outcome.index),
        job_id: s(outcome.jobId),
        job_index: n(outcome.index),
        ...(outcome.email ? { email: s(normaliseEmail(outcome.email)) } : {}),
        outcome: s(outcome.outcome),
        ...(failed && outcome.code ? { failure_code: s(outcome.code) } : {}),
        ...(failed && outcome.message ? { failure_message: s(outcome.message) } : {}),
        updated_at: s(time),
        [TTL_ATTRIBUTE]: expiresAtFor(this.now()),
      },
      // Still what we read: absent, or the outcome the transition starts from.
      ConditionExpression: previous ? '#outcome = :previous' : 'attribute_not_exists(pk)',
      ExpressionAttributeNames: previous ? { '#outcome': 'outcome' } : undefined,
      ExpressionAttributeValues: previous ? { ':previous': s(previous) } : undefined,
    };
    if (!move) {
      // Only the reason of a failure changes: no counter moves, no transaction needed.
      await this.client.putItem(put);
      return;
    }
    const counters = [`#to :one`, ...(move.from ? ['#from :minusOne'] : [])].join(', ');
    const jobUpdate: TransactWriteItem['Update'] = {
      TableName: this.tableName,
      Key: jobKey(outcome.jobId),
      UpdateExpression:
        `ADD ${counters} SET #job_id = :job_id, #created_at = if_not_exists(#created_at, :now), ` +
        `#updated_at = :now, #ttl = :ttl`,
      ExpressionAttributeNames: {
        '#to': move.to,
        ...(move.from ? { '#from': move.from } : {}),
        '#job_id': 'job_id',
        '#created_at': 'created_at',
        '#updated_at': 'updated_at',
        '#ttl': TTL_ATTRIBUTE,
      },
      ExpressionAttributeValues: {
        ':one': n(1),
        ...(move.from ? { ':minusOne': n(-1) } : {}),
        ':job_id': s(outcome.jobId),
        ':now': s(this.now().toISOString()),
        ':ttl': expiresAtFor(this.now()),
      },
    };
    await this.client.transactWriteItems({ TransactItems: [{ Put: put }, { Update: jobUpdate }] });
  }

  async recordInvite(event: InviteEvent & { jobId?: string; index?: number }): Promise<void> {
    const time = timeOf(event.at, this.now);
    const failed = event.outcome === 'failed';
    const update = new UpdateBuilder()
      .set('email', s(normaliseEmail(event.email)))
      .set('source', s(event.source))
      .set('last_outcome', s(event.outcome))
      .set('updated_at', s(time))
      .set('created_at', s(time), true)
      .set('invite_id', event.inviteId === undefined ? undefined : s(event.inviteId))
      .set('status', event.status === undefined ? undefined : s(event.status))
      .set('role', event.role === undefined ? undefined : s(event.role))
      .set('projects', event.projects === undefined ? undefined : projectsValue(event.projects))
      .set('job_id', event.jobId === undefined ? undefined : s(event.jobId))
      .set('job_index', event.index === undefined ? undefined : n(event.index));
    if (failed) {
      update.set('failure_code', event.code === undefined ? undefined : s(event.code));
      update.set('failure_message', event.message === undefined ? undefined : s(event.message));
    } else update.remove('failure_code').remove('failure_message');
    // In the sparse index while it waits for a person; out of it with any other outcome.
    if (failed && needsAction(event.code)) update.set(NEEDS_ACTION_ATTRIBUTE, s(event.code!));
    else update.remove(NEEDS_ACTION_ATTRIBUTE);
    try {
      await this.client.updateItem({
        TableName: this.tableName,
        Key: emailKey(normaliseEmail(event.email)),
        UpdateExpression: update.expression,
        // An older event (a late redelivery) never overwrites a newer one.
        ConditionExpression: 'attribute_not_exists(pk) OR #updated_at <= :updated_at',
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getInvite(email: string): Promise<InviteRecord | undefined> {
    const answer = await this.client.getItem({
      TableName: this.tableName,
      Key: emailKey(normaliseEmail(email)),
    });
    return answer.Item && inviteRecordOf(answer.Item);
  }

  async claimReinvite(request: ReinviteClaimRequest): Promise<ReinviteClaim> {
    const email = normaliseEmail(request.email);
    // This call's own mark: when a timed-out first attempt did land, the client's retry fails the
    // condition against our own write, and the token tells it so (issue 29, item 4).
    const token = randomUUID();
    try {
      const answer = await this.client.updateItem({
        TableName: this.tableName,
        Key: emailKey(email),
        UpdateExpression: 'ADD #count :one SET #from = :expired, #token = :token',
        // The rule of reinviteRefusalOf, as one condition: two sweeps cannot both pass it.
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :revoked) AND ' +
          '(attribute_not_exists(#last_outcome) OR #last_outcome <> :revoked) AND ' +
          '(attribute_not_exists(#from) OR #from <> :expired) AND ' +
          '(attribute_not_exists(#count) OR #count < :max)',
        ExpressionAttributeNames: {
          '#count': 'reinvite_count',
          '#from': 'reinvited_from',
          '#status': 'status',
          '#last_outcome': 'last_outcome',
          '#token': REINVITE_CLAIM_TOKEN,
        },
        ExpressionAttributeValues: {
          ':one': n(1),
          ':expired': s(request.expiredInviteId),
          ':revoked': s('revoked'),
          ':max': n(request.max),
          ':token': s(token),
        },
        ReturnValues: 'UPDATED_NEW',
        // The refusal carries the record as it is: our own token there means the claim is ours.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { claimed: true, count: Number(answer.Attributes?.reinvite_count?.N ?? 1) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = (error as DynamoDbServiceError).Item;
      if (
        current?.[REINVITE_CLAIM_TOKEN]?.S === token &&
        current.reinvited_from?.S === request.expiredInviteId
      ) {
        return { claimed: true, count: Number(current.reinvite_count?.N ?? 1) };
      }
      // Refused: the record says why (a sweep that raced us shows as already_claimed).
      const record = current ? inviteRecordOf(current) : await this.getInvite(email);
      return reinviteRefusalOf(record, request) ?? { claimed: false, reason: 'already_claimed' };
    }
  }

  async releaseReinvite(email: string, expiredInviteId: string): Promise<void> {
    try {
      await this.client.updateItem({
        TableName: this.tableName,
        Key: emailKey(normaliseEmail(email)),
        UpdateExpression: 'ADD #count :minusOne REMOVE #from',
        ConditionExpression: '#from = :expired AND #count > :zero',
        ExpressionAttributeNames: { '#count': 'reinvite_count', '#from': 'reinvited_from' },
        ExpressionAttributeValues: { ':minusOne': n(-1), ':expired': s(expiredInviteId), ':zero': n(0) },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // not ours to release any more
    }
  }

  async listNeedingAction(): Promise<InviteRecord[]> {
    const records: InviteRecord[] = [];
    for (const code of NEEDS_ACTION_CODES) {
      let startKey: Item | undefined;
      do {
        const page = await this.client.query({
          TableName: this.tableName,
          IndexName: NEEDS_ACTION_INDEX,
          KeyConditionExpression: '#needs = :code',
          ExpressionAttributeNames: { '#needs': NEEDS_ACTION_ATTRIBUTE },
          ExpressionAttributeValues: { ':code': s(code) },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        });
        // An email only the people store wrote (no outcome recorded) is no InviteRecord: people list it.
        records.push(...(page.Items ?? []).filter((item) => item.last_outcome).map(inviteRecordOf));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return records.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  async listJobs(limit: number): Promise<JobRecord[]> {
    const page = await this.client.query({
      TableName: this.tableName,
      IndexName: JOBS_INDEX,
      KeyConditionExpression: '#list = :jobs',
      ExpressionAttributeNames: { '#list': JOBS_INDEX_ATTRIBUTE },
      ExpressionAttributeValues: { ':jobs': s(JOBS_INDEX_VALUE) },
      ScanIndexForward: false,
      Limit: limit,
    });
    return (page.Items ?? []).map(jobRecordOf);
  }

  async getJob(jobId: string, options: { failureLimit?: number } = {}): Promise<JobSnapshot | undefined> {
    const limit = options.failureLimit ?? DEFAULT_FAILURE_LIMIT;
    const job = await this.client.getItem({ TableName: this.tableName, Key: jobKey(jobId) });
    if (!job.Item) return undefined;
    const failures: JobItemRecord[] = [];
    let startKey: Item | undefined;
    // Items come by index (zero-padded sort keys); stop once the first `limit` failures are in.
    do {
      const page = await this.client.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: '#outcome = :failed',
        ExpressionAttributeNames: { '#outcome': 'outcome' },
        ExpressionAttributeValues: {
          ':pk': s(`JOB#${jobId}`),
          ':prefix': s(ITEM_PREFIX),
          ':failed': s('failed'),
        },
        ExclusiveStartKey: startKey,
      });
      failures.push(...(page.Items ?? []).map(jobItemRecordOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey && failures.length < limit);
    return { job: jobRecordOf(job.Item), failures: failures.slice(0, limit) };
  }
}
