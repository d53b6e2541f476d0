/**
 * People on the ledger table (INVITE_LEDGER_TABLE; attributes in dynamodb-items.ts), beside the
 * ledger's record of each email: UpdateItem SETs only, so the ledger's attributes stay as they are.
 *
 * Every change reads the item (consistently), applies changes.ts, and writes the person on the
 * condition that its `person_version` is still the one read, in one TransactWriteItems with its
 * history events. A condition failure or a conflicting transaction (another writer won) reads
 * again and retries, a bounded number of times: two writers at once never both win.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DynamoDbJsonClient } from '../commons/dynamodb-json-client';
import { createLedgerClient, isRetryableWrite, MAX_WRITE_ATTEMPTS } from '../ledger/dynamodb-client';
import {
  emailKey,
  type Item,
  NEEDS_ACTION_ATTRIBUTE,
  NEEDS_ACTION_INDEX,
  n,
  s,
} from '../ledger/dynamodb-items';
import { NEEDS_ACTION_CODES } from '../ledger/types';
import { declarationChange, expiresAt, historyLimit, patchedPerson } from './changes';
import { claimChange } from './claims';
import {
  CLAIM_ATTRIBUTE,
  claimValue,
  EVENT_PREFIX,
  eventItem,
  eventOf,
  personOfItem,
  personUpdate,
  VERSION_ATTRIBUTE,
  versionOf,
} from './dynamodb-items';
import type { PersonStore } from './store';
import {
  type ClaimOutcome,
  type ClaimRequest,
  DEFAULT_HISTORY_DAYS,
  type DeclareResult,
  type Declaration,
  type HistoryPage,
  MAX_HISTORY_PAGE,
  normaliseEmail,
  type Person,
  type PersonEvent,
  type PersonPatch,
} from './types';

/** TransactWriteItems takes at most 100 actions: the person's update and 99 events. */
const MAX_EVENTS_PER_WRITE = 99;

export interface DynamoDbPersonStoreOptions {
  client?: DynamoDbJsonClient;
  now?: () => Date;
  /** Days history events are kept (PERSON_HISTORY_DAYS): their `expiresAt`. */
  historyDays?: number;
}

export class DynamoDbPersonStore implements PersonStore {
  readonly description: string;
  readonly #client: DynamoDbJsonClient;
  readonly #now: () => Date;
  readonly #historyDays: number;

  constructor(
    readonly tableName: string,
    options: DynamoDbPersonStoreOptions = {},
  ) {
    this.description = `DynamoDB table ${tableName}`;
    this.#client = options.client ?? createLedgerClient();
    this.#now = options.now ?? (() => new Date());
    this.#historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  }

  async get(email: string): Promise<Person | undefined> {
    return personOfItem(await this.#item(normaliseEmail(email), false));
  }

  async declare(declaration: Declaration): Promise<DeclareResult> {
    const email = normaliseEmail(declaration.email);
    return this.#retrying(async () => {
      const item = await this.#item(email, true);
      const change = declarationChange(personOfItem(item), { ...declaration, email }, this.#nowIso());
      if (change.write) await this.#write(change.person!, versionOf(item), change.events);
      else await this.append(email, change.events);
      return { outcome: change.outcome, person: change.person! };
    });
  }

  async update(email: string, patch: PersonPatch, events: PersonEvent[] = []): Promise<Person> {
    const key = normaliseEmail(email);
    return this.#retrying(async () => {
      const item = await this.#item(key, true);
      const person = patchedPerson(personOfItem(item), key, patch, this.#nowIso());
      await this.#write(person, versionOf(item), events);
      return person;
    });
  }

  /**
   * The claim rule on a consistent read; a person's claim is then written by one UpdateItem whose
   * condition is the rule itself (none held, expired, or the caller's), so two takers never both
   * win, and it bumps `person_version` so a writer of the whole person read before keeps it. An
   * email that is not a person yet is created with the claim, on its version as every write is.
   */
  async claimCreate(email: string, request: ClaimRequest): Promise<ClaimOutcome> {
    const key = normaliseEmail(email);
    return this.#retrying(async () => {
      const item = await this.#item(key, true);
      const now = this.#nowIso();
      const change = claimChange(personOfItem(item), key, request, now);
      if (!change.person) return change.outcome;
      if (versionOf(item) === 0) await this.#write(change.person, 0, []);
      else await this.#writeClaim(key, change.person, now);
      return change.outcome;
    });
  }

  async append(email: string, events: PersonEvent[]): Promise<void> {
    const key = normaliseEmail(email);
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_WRITE + 1) {
      const batch = events.slice(start, start + MAX_EVENTS_PER_WRITE + 1);
      await this.#client.transactWriteItems({
        TransactItems: batch.map((event, index) => this.#eventPut(key, event, start + index)),
      });
    }
  }

  async history(email: string, options: { limit?: number } = {}): Promise<HistoryPage> {
    const limit = historyLimit(options.limit, MAX_HISTORY_PAGE);
    // One more than asked: whether older events exist, without a second page.
    const answer = await this.#client.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': s(`EMAIL#${normaliseEmail(email)}`), ':prefix': s(EVENT_PREFIX) },
      ScanIndexForward: false,
      Limit: limit + 1,
    });
    const items = answer.Items ?? [];
    return { events: items.slice(0, limit).map(eventOf), hasMore: items.length > limit };
  }

  async listAwaiting(): Promise<Person[]> {
    const people: Person[] = [];
    for (const code of NEEDS_ACTION_CODES) {
      let startKey: Item | undefined;
      do {
        const page = await this.#client.query({
          TableName: this.tableName,
          IndexName: NEEDS_ACTION_INDEX,
          KeyConditionExpression: '#needs = :code',
          ExpressionAttributeNames: { '#needs': NEEDS_ACTION_ATTRIBUTE },
          ExpressionAttributeValues: { ':code': s(code) },
          ExclusiveStartKey: startKey,
        });
        for (const item of page.Items ?? []) {
          const person = personOfItem(item);
          if (person?.awaiting) people.push(person);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return people.sort((a, b) => b.awaiting!.since.localeCompare(a.awaiting!.since));
  }

  #nowIso(): string {
    return this.#now().toISOString();
  }

  async #item(email: string, consistent: boolean): Promise<Item | undefined> {
    const answer = await this.#client.getItem({
      TableName: this.tableName,
      Key: emailKey(email),
      ConsistentRead: consistent,
    });
    return answer.Item;
  }

  /** The person, on the condition that nobody wrote it since `version` was read, with its events. */
  async #write(person: Person, version: number, events: PersonEvent[]): Promise<void> {
    if (events.length > MAX_EVENTS_PER_WRITE)
      throw new RangeError(`At most ${MAX_EVENTS_PER_WRITE} history events go with one change.`);
    const update = personUpdate(person, version + 1);
    update.names['#expected_version'] = VERSION_ATTRIBUTE;
    const condition =
      version === 0 ? 'attribute_not_exists(#expected_version)' : '#expected_version = :expected_version';
    if (version > 0) update.values[':expected_version'] = n(version);
    const personWrite: TransactWriteItem = {
      Update: {
        TableName: this.tableName,
        Key: emailKey(person.email),
        UpdateExpression: update.expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      },
    };
    // Alone, the person is one conditional UpdateItem: half the write units of a transaction.
    if (events.length === 0) {
      await this.#client.updateItem(personWrite.Update!);
      return;
    }
    await this.#client.transactWriteItems({
      TransactItems: [
        personWrite,
        ...events.map((event, index) => this.#eventPut(person.email, event, index)),
      ],
    });
  }

  /** The person's claim alone, on the claim rule's condition (ConditionalCheckFailed: another holds it). */
  async #writeClaim(email: string, person: Person, now: string): Promise<void> {
    await this.#client.updateItem({
      TableName: this.tableName,
      Key: emailKey(email),
      UpdateExpression: 'SET #claim = :claim, #version = #version + :one, #updated = :now',
      ConditionExpression:
        'attribute_exists(#version) AND (attribute_not_exists(#claim) OR #claim.#token = :token OR #claim.#until <= :now)',
      ExpressionAttributeNames: {
        '#claim': CLAIM_ATTRIBUTE,
        '#version': VERSION_ATTRIBUTE,
        '#updated': 'person_updated_at',
        '#token': 'token',
        '#until': 'until',
      },
      ExpressionAttributeValues: {
        ':claim': claimValue(person.createClaim!),
        ':one': n(1),
        ':now': s(now),
        ':token': s(person.createClaim!.token),
      },
    });
  }

  #eventPut(email: string, event: PersonEvent, index: number): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: eventItem(email, event, index, expiresAt(event.at, this.#historyDays)),
      },
    };
  }

  /** Runs a read-decide-write step again when another writer won the race (bounded). */
  async #retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await step();
      } catch (error) {
        if (attempt >= MAX_WRITE_ATTEMPTS || !isRetryableWrite(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * Math.random()));
      }
    }
  }
}
