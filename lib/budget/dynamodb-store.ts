/**
 * The shared budget in the ledger table (INVITE_LEDGER_TABLE; no table of its own): one item per
 * endpoint, `pk = BUDGET#<METHOD /path/{id}>`, `sk = BUCKET`, holding the state as JSON and a
 * version. A take is one conditional PutItem (`version = :expected`); a lost race answers the
 * stored item with the failure (ReturnValuesOnConditionCheckFailure), so it costs no extra read.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDbJsonClient } from '../commons/dynamodb-json-client';
import { createLedgerClient, isConditionFailure } from '../ledger/dynamodb-client';
import { BUDGET_KEY_PREFIX, BUDGET_SORT_KEY } from './keys';
import type { BudgetState } from './state';
import { type BudgetStore, decodeState, encodeState, type Versioned, type WriteResult } from './store';

export { BUDGET_KEY_PREFIX, BUDGET_SORT_KEY };

const keyOf = (endpoint: string): Record<string, AttributeValue> => ({
  pk: { S: `${BUDGET_KEY_PREFIX}${endpoint}` },
  sk: { S: BUDGET_SORT_KEY },
});

const versionedOf = (item: Record<string, AttributeValue> | undefined): Versioned | undefined =>
  item?.state?.S && item.version?.N
    ? { state: decodeState(item.state.S), version: Number(item.version.N) }
    : undefined;

export class DynamoDbBudgetStore implements BudgetStore {
  readonly description: string;
  /** Writes attempted, conditional failures included. */
  writes = 0;

  constructor(
    readonly tableName: string,
    private readonly client: DynamoDbJsonClient = createLedgerClient(),
  ) {
    this.description = `DynamoDB table ${tableName}`;
  }

  async read(endpoint: string): Promise<Versioned | undefined> {
    const { Item } = await this.client.getItem({
      TableName: this.tableName,
      Key: keyOf(endpoint),
      ConsistentRead: true,
    });
    return versionedOf(Item);
  }

  async write(endpoint: string, state: BudgetState, expected: number | undefined): Promise<WriteResult> {
    const version = (expected ?? 0) + 1;
    this.writes += 1;
    try {
      await this.client.putItem({
        TableName: this.tableName,
        Item: { ...keyOf(endpoint), state: { S: encodeState(state) }, version: { N: String(version) } },
        ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expected === undefined
          ? {}
          : { ExpressionAttributeValues: { ':expected': { N: String(expected) } } }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { ok: true, version };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = versionedOf((error as { Item?: Record<string, AttributeValue> }).Item);
      return { ok: false, current: current ?? (await this.read(endpoint)) };
    }
  }
}
