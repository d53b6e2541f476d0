/**
 * A person: what one email should have in the OpenAI organization (intent), who said so
 * (declared by), what OpenAI last showed (observed), which invites the product itself made, and
 * an append-only history. Stored on the ledger's email record (DynamoDB: `EMAIL#<email>` /
 * `INVITE`; `npm start`: SQLite), so records written before people existed read as persons.
 */
import type { InviteProject, OrganizationRole } from '../openai/types';

/**
 * `present`: should be in the organization with these terms: the organization role, projects
 * with their roles, and organization groups by id (granted after the invite is accepted: an
 * invite cannot carry them). `absent`: should not be.
 */
export type Intent =
  | {
      state: 'present';
      role: OrganizationRole;
      projects?: InviteProject[];
      groups?: string[];
      /**
       * The intent is the whole truth (`PUT ?exact=true`, a roster with `--exact`): memberships
       * the product did not grant are removed too (lib/access/). Otherwise they are drift.
       */
      exact?: boolean;
    }
  | { state: 'absent' };

/**
 * Who may declare intent. Webhook providers by name (`greenhouse`, `okta`, `bamboohr`,
 * `standard`), `api` and `cli` (operators), `roster` (`openai-invites reconcile`), `queue` (a
 * message another system put on the bulk queue), later `scim`.
 */
export type Source = string;

/** A source's claim about one person, with the event's id and time. */
export interface Declaration {
  email: string;
  intent: Intent;
  source: Source;
  /** The event's id (webhook message id, `job:index`, request id); replays carry the same one. */
  eventId?: string;
  /** ISO-8601: the event's own time where the sender signs one, else when it arrived. */
  at: string;
  /**
   * An `absent` that may remove a member (authority.ts): a roster declared with `--offboard`.
   * Employee-of-record sources (Okta, BambooHR, Standard Webhooks, operators) have it by source.
   */
  offboard?: boolean;
}

export interface DeclaredBy {
  source: Source;
  eventId?: string;
  at: string;
  /** True when this `absent` carries the authority to remove a member (authority.ts). */
  removalAuthority?: boolean;
}

/** An invite as OpenAI last showed it for this email. */
export interface ObservedInvite {
  id: string;
  status: string;
  role: string;
  projects?: InviteProject[];
  /** Unix seconds, as OpenAI gives them. */
  createdAt?: number;
  expiresAt?: number | null;
}

export interface ObservedMember {
  userId: string;
  role: string;
}

/** What OpenAI last showed: an invite, a membership, both or neither (nothing there). */
export interface Observed {
  invite?: ObservedInvite;
  member?: ObservedMember;
  /** ISO-8601 of the read. */
  seenAt: string;
}

export const PERSON_EVENT_KINDS = [
  'declared',
  'invited',
  'reinvited',
  'observed_accepted',
  'observed_gone',
  'revoked',
  'offboarded',
  'awaiting_person',
  'handled',
  'refused',
  'drift',
  'failed',
  // lib/access/: a grant applied or removed, leavers' API keys found and revoked.
  'granted',
  'grant_removed',
  'keys_found',
  'key_revoked',
] as const;
export type PersonEventKind = (typeof PERSON_EVENT_KINDS)[number];

/** One line of a person's history: what happened, who did it, when and why. */
export interface PersonEvent {
  kind: PersonEventKind;
  /** ISO-8601. */
  at: string;
  /** The source or actor: `api`, `okta`, `sweep`, `roster`, `reconcile`, an operator's name… */
  actor: string;
  reason?: string;
  inviteId?: string;
  userId?: string;
  /** The terms or intent the event is about, for the reader: `present reader, projects [...]`. */
  detail?: string;
}

/** A person waiting for someone to act in OpenAI (the offboarding list). */
export interface Awaiting {
  /** `revoke_needs_offboarding` (no authority or offboarding off) or `owner_not_removed`. */
  code: string;
  reason: string;
  since: string;
}

/**
 * What the product itself granted a member (lib/access/): only this is ever removed unless the
 * intent is exact. Projects carried by an invite the product made count as granted on acceptance.
 */
export interface GrantedAccess {
  /** The organization role the product set or invited with. */
  role?: string;
  projects: InviteProject[];
  groups: string[];
  /** Projects OpenAI refused as archived: reported once, not retried until the intent changes. */
  blocked?: string[];
}

export interface Person {
  email: string;
  /** What the product granted (lib/access/); absent: nothing yet. */
  granted?: GrantedAccess;
  intent?: Intent;
  declaredBy?: DeclaredBy;
  /** Event ids of declarations applied so far (the newest few): replays are recognised by them. */
  declaredEventIds: string[];
  observed?: Observed;
  /** Invite ids the product itself created for this email. */
  productInviteIds: string[];
  /** ISO-8601 of the product's latest invite for this email. */
  lastInvitedAt?: string;
  /** Expired invites re-sent since the current declaration (REINVITE_MAX_TIMES bounds it). */
  reinviteCount?: number;
  awaiting?: Awaiting;
  /** ISO-8601: an operator recorded that a person handled what the product could not do. */
  handledAt?: string;
  /** A processing about to create this person's invite holds it (claims.ts); cleared once settled. */
  createClaim?: CreateClaim;
  createdAt: string;
  updatedAt: string;
}

/** What `declare` did with a declaration. */
export type DeclareOutcome =
  /** The person's intent is now the declaration's. */
  | 'applied'
  /** The person already had this intent: nothing changed (the first declarer stays). */
  | 'unchanged'
  /** A newer declaration stands: an older event never overrides it. */
  | 'superseded'
  /** A joiner event seen before, replayed after a leaver: it never undoes the leaver. */
  | 'replayed';

export interface DeclareResult {
  outcome: DeclareOutcome;
  person: Person;
}

/** Changes to a person besides intent, written together with their history events. */
export interface PersonPatch {
  /** What OpenAI showed now; `null` leaves it, undefined leaves it. */
  observed?: Observed;
  /** An invite the product made: added to `productInviteIds`, and `lastInvitedAt` set. */
  productInvite?: { id: string; at: string; reinvite?: boolean };
  /** Waiting for a person (set), or no longer (null). */
  awaiting?: Awaiting | null;
  /** An operator handled it (`openai-invites offboarding done`): awaiting cleared, `handledAt` set. */
  handledAt?: string;
  /** What the product has granted now (lib/access/apply.ts), replacing the record. */
  granted?: GrantedAccess;
  /** Settles (clears) the create claim this token holds; another holder's claim stays. */
  settleClaim?: string;
}

/**
 * A create claim (claims.ts): one processing at a time may send this person's invite create.
 * Held until `until` (ISO-8601), or until settled (cleared) by its holder.
 */
export interface CreateClaim {
  /** The holder's token (one per processing of a message). */
  token: string;
  /** ISO-8601: when it was taken. */
  at: string;
  /** ISO-8601: after this another processing may take it over. */
  until: string;
}

/** What a processing asks for: its token, and until when it needs the claim. */
export interface ClaimRequest {
  token: string;
  /** ISO-8601: the holder's deadline and a margin. */
  until: string;
}

/**
 * `claimed`: the caller holds it now, with the person as it stands; `unsettled`: an earlier
 * holder's claim expired without being settled, so its create may have reached OpenAI.
 * Not claimed: another live processing holds it until `heldUntil`.
 */
export type ClaimOutcome =
  | { claimed: true; person: Person; unsettled?: { token: string; at: string } }
  | { claimed: false; heldUntil: string };

/** History newest first, at most `limit`, and whether older events exist. */
export interface HistoryPage {
  events: PersonEvent[];
  hasMore: boolean;
}

/** Emails are one person however they are cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** How long history events are kept (PERSON_HISTORY_DAYS, default 400): audit evidence. */
export const DEFAULT_HISTORY_DAYS = 400;
/** How many applied declaration ids a person keeps for replay detection. */
export const DECLARED_EVENT_IDS_KEPT = 20;
/** The most history events one read returns. */
export const MAX_HISTORY_PAGE = 100;
