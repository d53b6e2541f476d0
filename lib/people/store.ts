/**
 * The people store's interface. `DynamoDbPersonStore` (the ledger table), `MemoryPersonStore`
 * (unit tests) and `SqlitePersonStore` (`npm start`, local/) behave alike: each applies
 * ordering.ts's `decideDeclaration` atomically (a conditional write, or a transaction), so two
 * writers at once never both win, and every change lands with its history events.
 */
import type {
  ClaimOutcome,
  ClaimRequest,
  DeclareResult,
  Declaration,
  HistoryPage,
  Person,
  PersonEvent,
  PersonPatch,
} from './types';

export interface PersonStore {
  /** Where the records live, for logs. */
  readonly description: string;

  /** The person (any case of the email), or undefined when the product never heard of them. */
  get(email: string): Promise<Person | undefined>;

  /**
   * Records a source's intent for a person, ordered by ordering.ts: an older event never
   * overrides a newer one, a replayed joiner never undoes a leaver. A `declared` (or `refused`)
   * history event is appended with it. Idempotent: the same declaration twice changes nothing.
   */
  declare(declaration: Declaration): Promise<DeclareResult>;

  /**
   * Applies a patch (observed state, an invite the product made, awaiting) and appends the
   * events, together. Creates the person when absent (an email known only from OpenAI).
   */
  update(email: string, patch: PersonPatch, events?: PersonEvent[]): Promise<Person>;

  /**
   * Takes the person's create claim (claims.ts), atomically: granted when none is held, the held
   * one has expired (then `unsettled`) or is the caller's own; else refused with its expiry.
   * Settled by `update(email, { settleClaim: token, … })`, with or without the invite it records.
   */
  claimCreate(email: string, request: ClaimRequest): Promise<ClaimOutcome>;

  /** Appends history events only. */
  append(email: string, events: PersonEvent[]): Promise<void>;

  /** History newest first: at most `limit` (default and max 100) events. */
  history(email: string, options?: { limit?: number }): Promise<HistoryPage>;

  /** People awaiting someone in OpenAI (the offboarding list), newest first. */
  listAwaiting(): Promise<Person[]>;
}
