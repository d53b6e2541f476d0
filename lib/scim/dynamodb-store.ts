/**
 * SCIM Users and Groups on the ledger table (INVITE_LEDGER_TABLE) under their own key prefix:
 * `pk = SCIM#User` / `SCIM#Group`, `sk = ID#<id>` for a resource (its record as JSON and its
 * version), `sk = NAME#<lower-cased userName>` for the item that keeps userNames unique. Creates,
 * replaces and deletes are TransactWriteItems, so a userName is never taken twice and a replace
 * never overwrites a version it did not read. Lists are one Query on the kind's partition.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DynamoDbJsonClient } from '../commons/dynamodb-json-client';
import { createLedgerClient } from '../ledger/dynamodb-client';
import { type Item, n, s } from '../ledger/dynamodb-items';
import {
  duplicateUserName,
  type ScimKind,
  type ScimRecord,
  type ScimStore,
  ScimVersionConflict,
} from './store';

export const SCIM_KEY_PREFIX = 'SCIM#';

const partition = (kind: ScimKind) => s(`${SCIM_KEY_PREFIX}${kind}`);
const idKey = (kind: ScimKind, id: string): Item => ({ pk: partition(kind), sk: s(`ID#${id}`) });
const nameKey = (kind: ScimKind, name: string): Item => ({ pk: partition(kind), sk: s(`NAME#${name}`) });

const recordOf = (item: Item): ScimRecord => JSON.parse(item.record!.S!) as ScimRecord;

const isCancelled = (error: unknown): boolean =>
  (error as Error)?.name === 'TransactionCanceledException' ||
  (error as Error)?.name === 'ConditionalCheckFailedException';

export class DynamoDbScimStore implements ScimStore {
  readonly description: string;
  readonly #client: DynamoDbJsonClient;

  constructor(
    private readonly tableName: string,
    options: { client?: DynamoDbJsonClient } = {},
  ) {
    this.#client = options.client ?? createLedgerClient();
    this.description = `DynamoDB table ${tableName} (${SCIM_KEY_PREFIX} items)`;
  }

  async get(kind: ScimKind, id: string): Promise<ScimRecord | undefined> {
    const { Item: item } = await this.#client.getItem({
      TableName: this.tableName,
      Key: idKey(kind, id),
      ConsistentRead: true,
    });
    return item ? recordOf(item) : undefined;
  }

  async list(kind: ScimKind): Promise<ScimRecord[]> {
    const records: ScimRecord[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#client.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :id)',
        ExpressionAttributeValues: { ':pk': partition(kind), ':id': s('ID#') },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      for (const item of page.Items ?? []) records.push(recordOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  async create(record: ScimRecord): Promise<void> {
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    if (record.uniqueName) items.push(this.#claimName(record));
    try {
      await this.#client.transactWriteItems({ TransactItems: items });
    } catch (error) {
      if (!isCancelled(error)) throw error;
      throw duplicateUserName(String(record.resource.userName ?? record.uniqueName));
    }
  }

  async replace(record: ScimRecord): Promise<void> {
    const stored = await this.get(record.kind, record.id);
    if (!stored || stored.version !== record.version - 1) throw new ScimVersionConflict(record.id);
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: this.#item(record),
          ConditionExpression: 'version = :read',
          ExpressionAttributeValues: { ':read': n(stored.version) },
        },
      },
    ];
    if (record.uniqueName !== stored.uniqueName) {
      if (record.uniqueName) items.push(this.#claimName(record));
      if (stored.uniqueName)
        items.push({ Delete: { TableName: this.tableName, Key: nameKey(record.kind, stored.uniqueName) } });
    }
    try {
      await this.#client.transactWriteItems({ TransactItems: items });
    } catch (error) {
      if (!isCancelled(error)) throw error;
      const now = await this.get(record.kind, record.id);
      if (!now || now.version !== stored.version) throw new ScimVersionConflict(record.id);
      throw duplicateUserName(String(record.resource.userName ?? record.uniqueName));
    }
  }

  async delete(kind: ScimKind, id: string): Promise<boolean> {
    const stored = await this.get(kind, id);
    if (!stored) return false;
    const items: TransactWriteItem[] = [
      {
        Delete: {
          TableName: this.tableName,
          Key: idKey(kind, id),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    ];
    if (stored.uniqueName)
      items.push({ Delete: { TableName: this.tableName, Key: nameKey(kind, stored.uniqueName) } });
    try {
      await this.#client.transactWriteItems({ TransactItems: items });
      return true;
    } catch (error) {
      if (isCancelled(error)) return false;
      throw error;
    }
  }

  async findByUniqueName(uniqueName: string): Promise<ScimRecord | undefined> {
    const { Item: item } = await this.#client.getItem({
      TableName: this.tableName,
      Key: nameKey('User', uniqueName),
      ConsistentRead: true,
    });
    const id = item?.id?.S;
    return id ? this.get('User', id) : undefined;
  }

  /** One Query of the Users' partition (no index on the person yet: fine for thousands of users). */
  async usersOf(person: string): Promise<ScimRecord[]> {
    return (await this.list('User')).filter((record) => record.person === person);
  }

  #item(record: ScimRecord): Item {
    return {
      ...idKey(record.kind, record.id),
      version: n(record.version),
      record: s(JSON.stringify(record)),
    };
  }

  #claimName(record: ScimRecord): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...nameKey(record.kind, record.uniqueName!), id: s(record.id) },
        ConditionExpression: 'attribute_not_exists(pk) OR id = :id',
        ExpressionAttributeValues: { ':id': s(record.id) },
      },
    };
  }
}
