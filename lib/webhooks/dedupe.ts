/**
 * Replay protection that cannot strand an event. An event id is claimed in two steps:
 * 1. `claim`: a short lease ("in progress", CLAIM_LEASE_SECONDS) taken before the enqueue;
 * 2. `confirm`: once the enqueue succeeded, the claim is made final for the dedupe window.
 * A failed enqueue releases the lease at once; a function killed in between (timeout, crash)
 * leaves a lease that expires, after which the sender's retry takes it over. A delivery that finds
 * a confirmed claim is a duplicate; one that finds a live lease is told to retry later (503), never
 * "duplicate", since the attempt holding it may yet fail.
 *
 * In AWS the claims live in a DynamoDB table (conditional PutItem on `pk`; `expiresAt`, Unix
 * seconds, is the table's TTL attribute and is also checked on the put, since TTL deletion lags;
 * `state` is `pending` or `done`, `token` the claiming call's own; the function needs only PutItem
 * and DeleteItem). Without a table (npm start) they live in this process's memory.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDbJsonClient, type DynamoDbServiceError } from '../commons/dynamodb-json-client';

/** `claimed`: this call holds the lease; `duplicate`: confirmed earlier; `in_progress`: leased by another attempt. */
export type ClaimResult = 'claimed' | 'duplicate' | 'in_progress';

export interface DedupeStore {
  /** Takes a lease of `leaseSeconds` on `key`, unless it is confirmed or leased by another attempt. */
  claim(key: string, leaseSeconds: number): Promise<ClaimResult>;
  /** Makes the claim final for `windowSeconds`: replays within it are duplicates. */
  confirm(key: string, windowSeconds: number): Promise<void>;
  /** Drops the lease, so the sender's retry goes through at once. */
  release(key: string): Promise<void>;
  readonly description: string;
}

export class DynamoDbDedupeStore implements DedupeStore {
  readonly description: string;

  constructor(
    readonly tableName: string,
    // Bounded timeouts and two attempts by default (lib/commons/aws-clients.ts).
    private readonly client: DynamoDbJsonClient = new DynamoDbJsonClient(),
    private readonly now: () => number = Date.now,
  ) {
    this.description = `DynamoDB table ${tableName}`;
  }

  #nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  #put(key: string, state: 'pending' | 'done', seconds: number, token?: string) {
    return {
      TableName: this.tableName,
      Item: {
        pk: { S: key },
        state: { S: state },
        expiresAt: { N: String(this.#nowSeconds() + seconds) },
        ...(token ? { token: { S: token } } : {}),
      },
    };
  }

  async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
    // This call's own mark: if a timed-out first attempt did land, the client's retry fails the
    // condition against our own lease, and the token tells it so (issue 29, item 4).
    const token = randomUUID();
    try {
      await this.client.putItem({
        ...this.#put(key, 'pending', leaseSeconds, token),
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': { N: String(this.#nowSeconds()) } },
        // The refusal carries the existing claim, so no GetItem (nor its permission) is needed.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return 'claimed';
    } catch (error) {
      if ((error as Error)?.name !== 'ConditionalCheckFailedException') throw error;
      const existing = (error as DynamoDbServiceError).Item;
      if (existing?.state?.S === 'pending' && existing.token?.S === token) return 'claimed';
      // Claims written before leases existed have no state: they were final.
      return existing?.state?.S === 'pending' ? 'in_progress' : 'duplicate';
    }
  }

  async confirm(key: string, windowSeconds: number): Promise<void> {
    await this.client.putItem(this.#put(key, 'done', windowSeconds));
  }

  async release(key: string): Promise<void> {
    await this.client.deleteItem({ TableName: this.tableName, Key: { pk: { S: key } } });
  }
}

export class MemoryDedupeStore implements DedupeStore {
  readonly description = 'in memory (this process only)';
  readonly #claims = new Map<string, { expiresAt: number; done: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, leaseSeconds: number): Promise<ClaimResult> {
    const now = this.now();
    for (const [claimed, { expiresAt }] of this.#claims) if (expiresAt <= now) this.#claims.delete(claimed);
    const existing = this.#claims.get(key);
    if (existing) return existing.done ? 'duplicate' : 'in_progress';
    this.#claims.set(key, { expiresAt: now + leaseSeconds * 1000, done: false });
    return 'claimed';
  }

  async confirm(key: string, windowSeconds: number): Promise<void> {
    this.#claims.set(key, { expiresAt: this.now() + windowSeconds * 1000, done: true });
  }

  async release(key: string): Promise<void> {
    this.#claims.delete(key);
  }
}
