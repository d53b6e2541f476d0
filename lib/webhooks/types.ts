/**
 * What every webhook provider module shares: the verified request, and the events it
 * normalises a delivery into.
 */
import type { InviteProject, OrganizationRole } from '../openai/types';

export const PROVIDER_NAMES = ['standard', 'greenhouse', 'okta', 'bamboohr'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const isProviderName = (name: string | undefined): name is ProviderName =>
  (PROVIDER_NAMES as readonly string[]).includes(name ?? '');

/** A delivery as received: method, headers (any case), the raw body bytes. */
export interface WebhookRequest {
  method: string;
  header(name: string): string | undefined;
  body: Buffer;
}

/** An invite before the role/projects mapping and validation are applied. */
export interface InviteDraft {
  kind: 'invite';
  /** The event's own id: the dedupe key and the bulk job id. */
  id: string;
  email: string;
  /** Where in the payload the email was read (`data.email`, …): named by the 422 when it is unusable. */
  emailPath?: string;
  role?: OrganizationRole;
  projects?: InviteProject[];
  /** Looked up in WEBHOOK_DEPARTMENT_PROJECTS when the event names no projects. */
  department?: string;
}

export interface RevokeDraft {
  kind: 'revoke';
  id: string;
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

/** The normalised events the handler enqueues. */
export type WebhookEvent =
  | {
      kind: 'invite';
      id: string;
      email: string;
      role: OrganizationRole;
      projects?: InviteProject[];
      source: ProviderName;
    }
  | { kind: 'revoke'; id: string; email: string; source: ProviderName };

/** BambooHR's API credentials, kept in the webhook secret under "bamboohrApi". */
export interface BambooHrApiCredentials {
  subdomain: string;
  apiKey: string;
}

export interface NormaliseContext {
  /** The parsed JSON body. */
  body: unknown;
  request: WebhookRequest;
  /** Resolves a BambooHR employee id (only the bamboohr provider uses it). */
  lookupEmployee: (employeeId: string) => Promise<EmployeeRecord>;
}

export interface EmployeeRecord {
  id: string;
  workEmail?: string;
  department?: string;
  status?: string;
}

export interface WebhookProvider {
  readonly name: ProviderName;
  /** Throws WebhookSignatureError unless the request is signed with `secret`. */
  verify(request: WebhookRequest, secret: string, nowMs: number): void;
  /** The events of a verified delivery. */
  normalise(context: NormaliseContext): Promise<DraftEvent[]>;
  /** A one-time verification handshake (Okta's GET), answered once `verify` passed. */
  challenge?(request: WebhookRequest): unknown;
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
