/**
 * What every webhook provider module shares: the verified request, and the events it
 * normalises a delivery into.
 */
import type { InviteProject, OrganizationRole } from '../openai/types';
import type { WebhookConfig } from './config';

/** A registered provider's name: the `{provider}` path segment and its key in the webhook secret. */
export type ProviderName = string;

/** A delivery as received: method, headers (any case), the raw body bytes. */
export interface WebhookRequest {
  method: string;
  header(name: string): string | undefined;
  body: Buffer;
}

/** An invite before the role/projects mapping and validation are applied. */
export interface InviteDraft extends EventTime {
  kind: 'invite';
  /** The event's own id: the bulk job id, and the dedupe key unless `replayKey` is given. */
  id: string;
  /** The dedupe key when the id is not covered by the signature (Greenhouse: a body digest). */
  replayKey?: string;
  email: string;
  /** Where in the payload the email was read (`data.email`, …): named by the 422 when it is unusable. */
  emailPath?: string;
  role?: OrganizationRole;
  projects?: InviteProject[];
  /**
   * Looked up in WEBHOOK_DEPARTMENT_PROJECTS when the event names no projects, and in
   * WEBHOOK_DEPARTMENT_GROUPS for the person's groups.
   */
  department?: string;
}

/**
 * The event's own time, canonical ISO-8601 UTC, set only where the sender signs or authenticates
 * it (Standard Webhooks: the body's `timestamp` or the `webhook-timestamp` header; Okta: each
 * event's `eventTime`). Greenhouse and BambooHR send none: their events are timed by arrival.
 */
export interface EventTime {
  occurredAt?: string;
}

export interface RevokeDraft extends EventTime {
  kind: 'revoke';
  id: string;
  replayKey?: string;
  email: string;
  emailPath?: string;
}

/** An event that is acknowledged and not acted on (logged with its type). */
export interface IgnoredEvent {
  kind: 'ignored';
  id: string;
  type: string;
  reason: string;
}

export type DraftEvent = InviteDraft | RevokeDraft | IgnoredEvent;

/** When an event happened, as the handler knows it. */
export interface EventTiming {
  /** The event's own time, signed or authenticated by its sender (see `EventTime`). */
  occurredAt?: string;
  /** True when `occurredAt` is the sender's signed time; false: only the arrival time is known. */
  timeSigned: boolean;
}

/** The normalised events the handler enqueues. */
export type WebhookEvent = EventTiming &
  (
    | {
        kind: 'invite';
        id: string;
        replayKey?: string;
        email: string;
        role: OrganizationRole;
        projects?: InviteProject[];
        /** The department's organization groups (WEBHOOK_DEPARTMENT_GROUPS); absent when it maps none. */
        groups?: string[];
        source: ProviderName;
      }
    | { kind: 'revoke'; id: string; replayKey?: string; email: string; source: ProviderName }
  );

/** BambooHR's API credentials, kept in the webhook secret under "bamboohrApi". */
export interface BambooHrApiCredentials {
  subdomain: string;
  apiKey: string;
}

/** The webhook secret, parsed (lib/webhooks/secrets.ts): a signing secret per provider name. */
export interface WebhookSecrets {
  signing: Partial<Record<ProviderName, string>>;
  bamboohrApi?: BambooHrApiCredentials;
}

/** What a provider's employee lookup may read: the secret (API credentials) and the config (base URL). */
export interface LookupContext {
  secrets: WebhookSecrets;
  config: WebhookConfig;
}

export interface NormaliseContext {
  /** The parsed JSON body. */
  body: unknown;
  request: WebhookRequest;
  /** The provider's own `lookupEmployee`, bound to this delivery's secrets and config. */
  lookupEmployee: (employeeId: string) => Promise<EmployeeRecord>;
}

export interface EmployeeRecord {
  id: string;
  workEmail?: string;
  department?: string;
  status?: string;
}

/**
 * One HR system, in its own file under providers/, listed once in providers/registry.ts.
 * Everything else (the route, the "Known: …" error, the secret's entries, `npm start`'s printed
 * secrets) reads the registry, so adding a provider is that file plus one registry line.
 */
export interface WebhookProvider {
  /** Lowercase `[a-z0-9-]`: the path segment and the key of its signing secret. */
  readonly name: ProviderName;
  /** An obviously fake signing secret `npm start` uses and prints; never used by the stack. */
  readonly developmentSecret: string;
  /** Throws WebhookSignatureError unless the request is signed with `secret`. */
  verify(request: WebhookRequest, secret: string, nowMs: number): void;
  /** The events of a verified delivery. */
  normalise(context: NormaliseContext): Promise<DraftEvent[]>;
  /** A one-time verification handshake (Okta's GET), answered once `verify` passed. */
  challenge?(request: WebhookRequest): unknown;
  /** Resolves an employee id to a record, for payloads that carry no email (BambooHR's). */
  lookupEmployee?(employeeId: string, context: LookupContext): Promise<EmployeeRecord>;
}

/** The JSON value at a path, or undefined. */
export const pick = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined,
    value,
  );

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;
