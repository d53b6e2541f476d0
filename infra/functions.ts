/**
 * What each function needs from the stack, beyond its route (the route table, lib/http/routes.ts, says
 * where it is reached). A function file not named here gets the defaults: it calls OpenAI, so it
 * reads the Admin key, and nothing else.
 */
import { Duration } from 'aws-cdk-lib';

export interface FunctionNeeds {
  /** Reads the Admin-key secret and calls OpenAI (default true). */
  readonly callsOpenAI?: boolean;
  /** Sends to the bulk queue (gets INVITE_QUEUE_URL and SendMessage on that queue only). */
  readonly sendsToInviteQueue?: boolean;
  /** Sends leavers' messages (gets LEAVER_QUEUE_URL and SendMessage on the leaver queue only). */
  readonly sendsToLeaverQueue?: boolean;
  /** Reads the webhook signing secrets (gets WEBHOOK_SECRETS_SECRET_ID and read on that secret only). */
  readonly readsWebhookSecrets?: boolean;
  /**
   * Claims webhook event ids against replays (gets WEBHOOK_DEDUPE_TABLE, the webhook mapping
   * variables, and PutItem/DeleteItem on that table only).
   */
  readonly claimsWebhookEvents?: boolean;
  /** Reads jobs and invites from the ledger (gets INVITE_LEDGER_TABLE, GetItem and Query only). */
  readonly readsLedger?: boolean;
  /** Records outcomes in the ledger (gets INVITE_LEDGER_TABLE, GetItem, PutItem, UpdateItem). */
  readonly writesLedger?: boolean;
  /** Registers jobs in the ledger, nothing else (gets INVITE_LEDGER_TABLE and UpdateItem). */
  readonly startsJobs?: boolean;
  /** Records emails' outcomes outside jobs (gets INVITE_LEDGER_TABLE and UpdateItem). */
  readonly recordsInvites?: boolean;
  /** Looks up an email's invite id in the ledger (gets INVITE_LEDGER_TABLE and GetItem). */
  readonly looksUpInvites?: boolean;
  /**
   * Declares people's intent and keeps their history (lib/people/: a read, then a transaction
   * that updates the person and puts history items): GetItem, PutItem, UpdateItem.
   */
  readonly declaresIntent?: boolean;
  /** Appends to people's history only (a refused webhook event): PutItem of history items. */
  readonly appendsHistory?: boolean;
  /** Offboards one person (DELETE /people): OFFBOARD_MEMBERS and REVOKE_LEAVER_KEYS from the context. */
  readonly offboards?: boolean;
  /** Lists the people awaiting someone (the reconciler): Query on the needs-action index only. */
  readonly listsAwaiting?: boolean;
  /** Lists recent jobs (`GET …/bulk`): Query on the jobs-by-time index only. */
  readonly listsJobs?: boolean;
  /** Reads the SCIM bearer token's secret (gets SCIM_TOKEN_SECRET_ID and read on that secret only). */
  readonly readsScimToken?: boolean;
  /** Keeps SCIM Users and Groups on the ledger table (SCIM# items): GetItem, PutItem, DeleteItem, Query. */
  readonly keepsScimResources?: boolean;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/** Does the function read or write the ledger at all (then it gets INVITE_LEDGER_TABLE)? */
export const usesLedger = (needs: FunctionNeeds): boolean =>
  Boolean(
    needs.readsLedger ||
    needs.writesLedger ||
    needs.startsJobs ||
    needs.recordsInvites ||
    needs.looksUpInvites ||
    needs.declaresIntent ||
    needs.appendsHistory ||
    needs.listsAwaiting ||
    needs.keepsScimResources,
  );

/**
 * API functions: API Gateway gives up on an integration after 29 s, so a function gets 28 s (its
 * OpenAI deadline, retries included, ends a second before that). 256 MB: the bundles load in a
 * few tens of milliseconds there; 128 MB doubles cold starts for a few cents less.
 */
export const API_FUNCTION_DEFAULTS = { timeout: Duration.seconds(28), memorySize: 256 } as const;

/** Keyed by file name under `functions/`; list and retrieve need only the defaults. */
export const FUNCTION_NEEDS: Readonly<Record<string, FunctionNeeds>> = {
  // Records what it made; a duplicate is resolved through the email's invite id in the ledger.
  // It also declares the person's intent (present) and keeps the invite on the person.
  'create-invite': { recordsInvites: true, looksUpInvites: true, declaresIntent: true },
  // Records the revocation, and the person's intent (absent) with it.
  'delete-invite': { recordsInvites: true, declaresIntent: true },
  // Checks a job, registers it in the ledger and enqueues it: the bulk queue, never the Admin key.
  // (registering a job is one UpdateItem: no reads, no queries).
  'bulk-invites': { callsOpenAI: false, sendsToInviteQueue: true, startsJobs: true },
  // Reads a job's progress from the ledger: never the Admin key, never a write.
  'bulk-job-status': { callsOpenAI: false, readsLedger: true, listsJobs: true },
  // Reads a person and their history from the ledger table: never the Admin key, never a write.
  'get-person': { callsOpenAI: false, readsLedger: true },
  // Declares a person's access and applies it at OpenAI (invite, grants); records it on the person.
  'put-person': { recordsInvites: true, declaresIntent: true, readsLedger: true },
  // The leaver path for one person: declares absent, revokes / offboards, lists their API keys.
  'delete-person': { recordsInvites: true, declaresIntent: true, readsLedger: true, offboards: true },
  // Calls OpenAI, fans whole jobs out onto the bulk queue, records each outcome in the ledger.
  // Re-sends a throttled revocation to the leaver queue (which it also drains).
  'bulk-invite-worker': { sendsToInviteQueue: true, sendsToLeaverQueue: true, writesLedger: true },
  // The reconciler (the Admin key): reads every invite and member, declares a roster, re-invites
  // (claiming each in the ledger), revokes and offboards, lists who awaits a person.
  'invite-sweeper': { writesLedger: true, declaresIntent: true, listsAwaiting: true },
  // SCIM 2.0 (docs/scim.md): its own token, Users and Groups on the ledger table, declares people
  // and enqueues their invites and revocations like a webhook: never the Admin key.
  scim: {
    callsOpenAI: false,
    readsScimToken: true,
    keepsScimResources: true,
    declaresIntent: true,
    sendsToInviteQueue: true,
    sendsToLeaverQueue: true,
    startsJobs: true,
  },
  // Verifies HR webhooks and enqueues invites and revocations: never the Admin key.
  'hr-webhook': {
    callsOpenAI: false,
    sendsToInviteQueue: true,
    sendsToLeaverQueue: true,
    readsWebhookSecrets: true,
    claimsWebhookEvents: true,
    startsJobs: true,
    // A refused event (WEBHOOK_MAX_ROLE) is kept in the person's history.
    appendsHistory: true,
  },
};

/** A function fed by the bulk queue (no route). */
export interface WorkerSpec {
  /** File name under `functions/`, without `.ts`. */
  readonly functionName: string;
  /** Default 60 s: a batch of 10 invites paced at a few requests per second, with retries. */
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/** Functions fed by the bulk queue through an SQS event source. */
export const WORKERS: readonly WorkerSpec[] = [{ functionName: 'bulk-invite-worker' }];

export const WORKER_DEFAULTS = { timeout: Duration.seconds(60), memorySize: 256 } as const;

/** A function run on a schedule by an EventBridge rule (no route, no queue). */
export interface ScheduledSpec {
  /** File name under `functions/`, without `.ts`. */
  readonly functionName: string;
  readonly description: string;
  /** The stack configuration's schedule expression for it. */
  readonly schedule: (config: { readonly sweepSchedule: string }) => string;
  /** More schedules of the same function, each with its own event (the acceptance check). */
  readonly alsoScheduled?: readonly {
    readonly id: string;
    readonly schedule: (config: { readonly acceptanceCheckSchedule: string }) => string;
    readonly event: Record<string, unknown>;
  }[];
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/** The invite sweeper: reads all invites and re-invites, paced, so minutes rather than seconds. */
export const SCHEDULED: readonly ScheduledSpec[] = [
  {
    functionName: 'invite-sweeper',
    description: 'Re-invites expired invites the product made',
    schedule: (config) => config.sweepSchedule,
    // Grants for accepted invites and movers (lib/access/acceptance-check.ts).
    alsoScheduled: [
      {
        id: 'AcceptanceCheck',
        schedule: (config) => config.acceptanceCheckSchedule,
        event: { check: 'acceptance' },
      },
    ],
    timeout: Duration.minutes(5),
  },
];

export const SCHEDULED_DEFAULTS = { timeout: Duration.minutes(5), memorySize: 256 } as const;
