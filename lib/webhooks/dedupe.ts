/**
 * Replay protection: an event id is claimed before its event is enqueued; a second delivery of
 * the same id within the window finds it claimed and enqueues nothing. In AWS the claims live in a
 * DynamoDB table (conditional PutItem on `pk`; `expiresAt`, Unix seconds, is the table's TTL
 * attribute and is also checked on the put, since TTL deletion lags). Without a table (npm start)
 * they live in this process's memory. A claim whose enqueue failed is released, so the sender's
 * retry goes through.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

export interface DedupeStore {
  /** True when this call claimed `key`; false when it was claimed within the window. */
  claim(key: string, windowSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  readonly description: string;
}

export class DynamoDbDedupeStore implements DedupeStore {
  readonly description: string;

  constructor(
    readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
    private readonly now: () => number = Date.now,
  ) {
    this.description = `DynamoDB table ${tableName}`;
  }

  async claim(key: string, windowSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now() / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { pk: { S: key }, expiresAt: { N: String(nowSeconds + windowSeconds) } },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error)?.name === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw error;
    }
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: key } } }));
  }
}

export class MemoryDedupeStore implements DedupeStore {
  readonly description = 'in memory (this process only)';
  readonly #expiries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, windowSeconds: number): Promise<boolean> {
    const now = this.now();
    for (const [claimed, expiresAt] of this.#expiries) if (expiresAt <= now) this.#expiries.delete(claimed);
    if (this.#expiries.has(key)) return false;
    this.#expiries.set(key, now + windowSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#expiries.delete(key);
  }
}
