/**
 * A small typed client for OpenAI's `/organization/invites` endpoints on global `fetch`, and the
 * `/organization/users` calls that offboarding needs (list by email, delete).
 *
 * Why not the `openai` SDK: it needs Node 22 from 7.x, weighs ≈ 395 KB in a bundle and retries
 * POST on 409 without an idempotency key (DESIGN.md). This client retries with capped, jittered
 * backoff, honours Retry-After (or the wait a 429's message names), re-reads the Admin key once
 * on a 401, and makes retried creates and deletes idempotent: a create that meets "already
 * invited" returns the pending invite of the same terms. Answers are read by invite-shape.ts,
 * error answers by error-answer.ts.
 *
 * Longer than ~250 lines on purpose: the retry loop, the attempt and the create that settles
 * "already invited" share the key, the deadline and the trace, which are private to this class.
 */
import type { AdminKeySource } from '../secrets/admin-key';
import { type InvitesError } from '../commons/errors';
import {
  AdminKeyRejectedError,
  InviteAlreadyAcceptedError,
  InvitePendingWithDifferentTermsError,
  NotFoundError,
  UpstreamApiError,
  UpstreamConnectionError,
  UpstreamMalformedResponseError,
  UpstreamTimeoutError,
  UserAlreadyExistsError,
} from './errors';
import { errorFromAnswer } from './error-answer';
import type { InviteLookup } from './invite-lookup';
import { readInvite, readInviteDeleted, readInviteList } from './invite-shape';
import { readUserDeleted, readUserList } from './user-shape';
import { hasSameTerms, isExpiredInvite, isLivePendingInvite } from './invite-terms';
import type {
  Invite,
  InviteDeleteResponse,
  InviteListResponse,
  InviteRequest,
  ListInvitesParams,
  ListUsersParams,
  OrganizationUser,
  UserDeleteResponse,
  UserListResponse,
} from './types';
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF, isRetryableStatus } from './retry-policy';
import { isAcceptedInviteAnswer, isAlreadyInvitedAnswer } from './upstream-answers';
import type { Page } from './upstream-shape';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Fits inside API Gateway's 29 s integration timeout with room to answer. */
export const DEFAULT_DEADLINE_MS = 25_000;
export const DEFAULT_MAX_RETRIES = 3;
/** `listAll` and the "already invited" lookup read pages of the largest size OpenAI allows. */
export const LIST_ALL_PAGE_SIZE = 100;

/** What a call did upstream; the handler logs it. */
export interface UpstreamTrace {
  /** HTTP attempts sent to OpenAI. */
  attempts: number;
  /** `x-request-id` of every answer, in order. */
  requestIds: string[];
  /**
   * True once a write (POST, DELETE) got no clear answer (a 5xx, a timeout, no connection, a body
   * that could not be read): it may have reached OpenAI. A 4xx, a 429 included, was not processed.
   */
  unclear?: boolean;
}

export const newUpstreamTrace = (): UpstreamTrace => ({ attempts: 0, requestIds: [] });

export interface CallOptions {
  /** Epoch ms after which no attempt starts and no retry waits; default now + `deadlineMs`. */
  deadline?: number;
  trace?: UpstreamTrace;
}

export interface RetryNotice {
  method: string;
  path: string;
  status?: number;
  code: string | null;
  retry: number;
  delayMs: number;
  upstreamRequestId?: string;
}

/**
 * A budget every HTTP attempt takes a token of before it is sent and reports its answer to
 * (lib/budget/: shared by every function, per endpoint, in the caller's lane). Structural, so
 * this client does not depend on where the budget lives.
 */
export interface AttemptBudget {
  take(request: { method: string; url: string }, deadline: number): Promise<object>;
  settle(ticket: object | undefined, status: number | undefined, waitMs?: number): Promise<void>;
}

export interface InvitesClientOptions {
  adminKey: AdminKeySource;
  /** Default https://api.openai.com/v1; `OPENAI_BASE_URL` is never read (README, Security). */
  baseUrl?: string;
  attemptTimeoutMs?: number;
  deadlineMs?: number;
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Told before each retry (for a log line, or to slow a rate limiter); never given the key. */
  onRetry?: (notice: RetryNotice) => void;
  /** Awaited before every HTTP attempt, retries included: the bulk worker's rate limiter (per endpoint). */
  beforeAttempt?: (request: { method: string; url: string }) => Promise<void>;
  /** The shared budget (lib/budget/): every attempt, of every endpoint, takes a token of it. */
  budget?: AttemptBudget;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CreateOptions extends CallOptions {
  /**
   * Replace a live pending invite of other terms (delete it, create the new one) instead of
   * failing with `InvitePendingWithDifferentTermsError`.
   */
  replacePending?: boolean;
  /**
   * Where an email's invite id may be known (the ledger): a refused create then retrieves that
   * invite (POST + GET in all) instead of listing every invite, and remembers what a listing finds.
   */
  knownInvites?: InviteLookup;
  /**
   * Read the email's invites before the POST and answer a live pending one of the same terms
   * (`created: false`): an earlier attempt may have made it, and an upstream that accepts a
   * duplicate would not refuse a second (the bulk worker's unsettled create claim).
   */
  lookFirst?: boolean;
}

export interface CreateInviteResult {
  invite: Invite;
  /** False when OpenAI already had a pending invite of the same terms and that one is returned. */
  created: boolean;
  /** Ids of the invites deleted to make way: expired ones, and the replaced pending one. */
  replaced: string[];
}

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** Reads a 2xx body (invite-shape.ts); throws UpstreamMalformedResponseError. */
  read: (body: unknown, requestId?: string) => T;
  /**
   * What a 404 means after an earlier attempt may have reached OpenAI: for a DELETE, that the
   * earlier attempt already deleted it.
   */
  notFoundAfterUnclearAttempt?: T;
}

type AttemptOutcome =
  | { ok: true; body: unknown; requestId?: string }
  | {
      ok: false;
      error: InvitesError;
      status?: number;
      retryable: boolean;
      retryAfterMs?: number;
      requestId?: string;
      /** True when nothing was sent (the deadline had passed). */
      unsent?: boolean;
    };

/** Every item of a cursor-paged list: following `last_id` while `has_more`, refusing a cursor that does not move. */
async function* allPages<T extends { id: string }>(
  pageAfter: (after: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const page = await pageAfter(after);
    yield* page.data;
    if (!page.has_more) return;
    const next = page.last_id ?? page.data.at(-1)?.id;
    if (!next || next === after) {
      throw new UpstreamMalformedResponseError('has_more is true but the page gives no new cursor.');
    }
    after = next;
  }
}

/** Query parameters; an array is sent repeated (`emails=a&emails=b`), as OpenAI's spec asks. */
export type Query = Record<string, string | number | string[] | undefined>;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OpenAIInvitesClient {
  readonly baseUrl: string;
  readonly #adminKey: AdminKeySource;
  readonly #attemptTimeoutMs: number;
  readonly #deadlineMs: number;
  readonly #maxRetries: number;
  readonly #backoff: BackoffOptions;
  readonly #onRetry?: (notice: RetryNotice) => void;
  readonly #beforeAttempt?: (request: { method: string; url: string }) => Promise<void>;
  readonly #budget?: AttemptBudget;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: InvitesClientOptions) {
    // Never from the environment here: readClientConfig checks INVITES_UPSTREAM_URL (https).
    this.baseUrl = (options.baseUrl ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '');
    this.#adminKey = options.adminKey;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#onRetry = options.onRetry;
    this.#beforeAttempt = options.beforeAttempt;
    this.#budget = options.budget;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.#sleep = options.sleep ?? sleepFor;
    this.#random = options.random ?? Math.random;
  }

  /**
   * The deadline for one invocation: `deadlineMs` from now, but ending `marginMs` before the
   * function's own timeout so there is time left to answer.
   */
  deadlineWithin(remainingMs?: number, marginMs = 1_000): number {
    const budgetMs =
      remainingMs === undefined ? this.#deadlineMs : Math.min(this.#deadlineMs, remainingMs - marginMs);
    return Date.now() + Math.max(0, budgetMs);
  }

  /**
   * Creates an invite, or returns the live pending invite of the same terms for that email
   * (`created: false`; also on a retry after a lost response). An expired invite in the way is
   * deleted and a new one made; a pending one of other terms is a 409
   * `InvitePendingWithDifferentTermsError` unless `replacePending` is set.
   * Throws `UserAlreadyExistsError` (409) when OpenAI refuses and no invite is pending (a member).
   */
  async createInvite(request: InviteRequest, options: CreateOptions = {}): Promise<CreateInviteResult> {
    const settled = await this.#settleCreate(request, options);
    if (settled) return settled;
    throw new UserAlreadyExistsError(options.trace?.requestIds.at(-1));
  }

  /**
   * Creates an invite, or answers undefined when the email already holds a live pending invite
   * of the same terms or is a member: what a bulk item or a webhook needs ("make sure it exists").
   * Expired invites and conflicting terms are handled as in `createInvite`.
   *
   * @example
   * // HR webhooks carry the HR system's current truth: replace a pending invite of other terms.
   * await client.createInviteIfAbsent(request, { deadline, replacePending: true });
   */
  async createInviteIfAbsent(
    request: InviteRequest,
    options: CreateOptions = {},
  ): Promise<Invite | undefined> {
    const settled = await this.#settleCreate(request, options);
    return settled?.created ? settled.invite : undefined;
  }

  /**
   * As `createInviteIfAbsent`, but answering the invite either way: created, or the live pending
   * one of the same terms found (`created: false`); undefined when refused with none (a member).
   */
  async ensureInvite(
    request: InviteRequest,
    options: CreateOptions = {},
  ): Promise<CreateInviteResult | undefined> {
    return this.#settleCreate(request, options);
  }

  /**
   * The invite `knownInvites` names is read first: when it has expired it is deleted before the
   * POST (OpenAI may accept a create beside an expired invite and leave it in place). Then POST,
   * and when OpenAI refuses it as "already invited", look at the email's invites (the known one
   * when that settles it, else a listing of all): a live pending one of the same terms is the
   * answer; expired ones (and, with `replacePending`, a pending one of other terms) are deleted
   * and the POST sent once more. Undefined: refused with nothing pending to return (the person
   * is a member, or OpenAI will not say why). With `lookFirst`, a live pending invite of the same
   * terms found before the POST (the known one, else by a listing) is the answer, and no POST is sent.
   */
  async #settleCreate(
    request: InviteRequest,
    options: CreateOptions,
  ): Promise<CreateInviteResult | undefined> {
    const replaced: string[] = [];
    const known = await this.#knownLiveInvite(request, options, replaced);
    const found = options.lookFirst ? await this.#sameLiveInvite(known, request, options) : undefined;
    if (found) return { invite: found, created: false, replaced };
    for (let round = 0; ; round += 1) {
      const invite = await this.#postInvite(request, options);
      if (invite) return { invite, created: true, replaced };
      const settling = round === 0 ? this.#settling(known, request, options) : undefined;
      const held = settling ? [settling] : await this.#invitesOf(request.email, options);
      const live = held.find((candidate) => isLivePendingInvite(candidate));
      if (live && hasSameTerms(live, request)) return { invite: live, created: false, replaced };
      if (live && !options.replacePending) {
        throw new InvitePendingWithDifferentTermsError(live, request, options.trace?.requestIds.at(-1));
      }
      const inTheWay = held.filter((candidate) => candidate === live || isExpiredInvite(candidate));
      // One clearing round: if OpenAI still refuses, it is not these invites that block it.
      if (inTheWay.length === 0 || round > 0) return undefined;
      for (const stale of inTheWay) await this.#deleteInTheWay(stale.id, options, replaced);
    }
  }

  /**
   * The invite `knownInvites` names for this email, as OpenAI has it now; an expired one is
   * deleted here (and undefined answered), before any create.
   */
  async #knownLiveInvite(
    request: InviteRequest,
    options: CreateOptions,
    replaced: string[],
  ): Promise<Invite | undefined> {
    const known = await this.knownInviteOf(request.email, options.knownInvites, options);
    if (!known || !isExpiredInvite(known)) return known;
    await this.#deleteInTheWay(known.id, options, replaced);
    return undefined;
  }

  /** The live pending invite of the same terms: the known one, else the first a listing finds. */
  async #sameLiveInvite(
    known: Invite | undefined,
    request: InviteRequest,
    options: CreateOptions,
  ): Promise<Invite | undefined> {
    const same = (invite: Invite) => isLivePendingInvite(invite) && hasSameTerms(invite, request);
    if (known && same(known)) return known;
    return (await this.#invitesOf(request.email, options)).find(same);
  }

  /** Deletes an invite in the way of a create; already gone (404) is what was wanted. */
  async #deleteInTheWay(inviteId: string, options: CallOptions, replaced: string[]): Promise<void> {
    await this.deleteInvite(inviteId, options).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
    replaced.push(inviteId);
  }

  /** The created invite, or undefined when OpenAI refuses it as "already invited". */
  async #postInvite(request: InviteRequest, options: CallOptions): Promise<Invite | undefined> {
    try {
      return await this.#request(
        { method: 'POST', path: '/organization/invites', body: request, read: readInvite },
        options,
      );
    } catch (error) {
      if (error instanceof UpstreamApiError && isAlreadyInvitedAnswer(error)) return undefined;
      throw error;
    }
  }

  /**
   * The invite `lookup` knows for this email, as OpenAI has it now, in one retrieve; undefined when
   * the lookup knows none or its record is stale (the invite deleted, an id OpenAI does not
   * know, another email's): the caller then lists.
   */
  async knownInviteOf(
    email: string,
    lookup: InviteLookup | undefined,
    options: CallOptions = {},
  ): Promise<Invite | undefined> {
    const inviteId = await lookup?.inviteIdOf(email).catch(() => undefined);
    if (!inviteId) return undefined;
    let invite: Invite;
    try {
      invite = await this.retrieveInvite(inviteId, options);
    } catch (error) {
      if (error instanceof NotFoundError || (error instanceof UpstreamApiError && error.status === 400)) {
        return undefined;
      }
      throw error;
    }
    return invite.email.toLowerCase() === email.toLowerCase() ? invite : undefined;
  }

  /**
   * The known invite (already read) when it alone settles a refused create: accepted (a member)
   * or live pending (of the same terms, or of other terms that are refused). Undefined when
   * unknown or to be replaced: that needs a listing (a clearing round deletes every invite in the
   * way, not only the known one).
   */
  #settling(known: Invite | undefined, request: InviteRequest, options: CreateOptions): Invite | undefined {
    if (!known) return undefined;
    if (known.status === 'accepted') return known;
    const settles = isLivePendingInvite(known) && (hasSameTerms(known, request) || !options.replacePending);
    return settles ? known : undefined;
  }

  /**
   * Every invite of an email (compared case-insensitively), whatever its status. The one that
   * matters next time (live pending, else accepted) is remembered in `knownInvites`.
   */
  async #invitesOf(email: string, options: CreateOptions): Promise<Invite[]> {
    const wanted = email.toLowerCase();
    const held: Invite[] = [];
    for await (const invite of this.listAllInvites(options)) {
      if (invite.email.toLowerCase() === wanted) held.push(invite);
    }
    const worth =
      held.find((invite) => isLivePendingInvite(invite)) ??
      held.find((invite) => invite.status === 'accepted');
    if (worth && options.knownInvites) await options.knownInvites.remember(worth).catch(() => undefined);
    return held;
  }

  async listInvites(params: ListInvitesParams = {}, options: CallOptions = {}): Promise<InviteListResponse> {
    return this.#request(
      { method: 'GET', path: '/organization/invites', query: { ...params }, read: readInviteList },
      options,
    );
  }

  /** Every invite, reading pages of 100 and following `last_id` while `has_more`. */
  async *listAllInvites(options: CallOptions = {}): AsyncGenerator<Invite> {
    yield* allPages((after) => this.listInvites({ limit: LIST_ALL_PAGE_SIZE, after }, options));
  }

  /** The live pending invite for an email (compared case-insensitively), if there is one. */
  async findPendingInvite(email: string, options: CallOptions = {}): Promise<Invite | undefined> {
    const wanted = email.toLowerCase();
    for await (const invite of this.listAllInvites(options)) {
      if (isLivePendingInvite(invite) && invite.email.toLowerCase() === wanted) return invite;
    }
    return undefined;
  }

  async retrieveInvite(inviteId: string, options: CallOptions = {}): Promise<Invite> {
    return this.#request(
      { method: 'GET', path: `/organization/invites/${encodeURIComponent(inviteId)}`, read: readInvite },
      options,
    );
  }

  /** Deletes a pending invite; an accepted one gives `InviteAlreadyAcceptedError` (409). */
  async deleteInvite(inviteId: string, options: CallOptions = {}): Promise<InviteDeleteResponse> {
    const deleted: InviteDeleteResponse = {
      object: 'organization.invite.deleted',
      id: inviteId,
      deleted: true,
    };
    try {
      return await this.#request(
        {
          method: 'DELETE',
          path: `/organization/invites/${encodeURIComponent(inviteId)}`,
          read: readInviteDeleted,
          notFoundAfterUnclearAttempt: deleted,
        },
        options,
      );
    } catch (error) {
      if (!(error instanceof UpstreamApiError) || (error.status !== 400 && error.status !== 409)) throw error;
      if (isAcceptedInviteAnswer(error)) {
        throw new InviteAlreadyAcceptedError(inviteId, error.upstreamRequestId);
      }
      // An answer we do not recognise yet: the invite's own status settles it.
      const invite = await this.retrieveInvite(inviteId, options).catch(() => undefined);
      if (invite?.status === 'accepted')
        throw new InviteAlreadyAcceptedError(inviteId, error.upstreamRequestId);
      throw error;
    }
  }

  /** A page of the organization's users (`emails` narrows it to those addresses). */
  async listUsers(params: ListUsersParams = {}, options: CallOptions = {}): Promise<UserListResponse> {
    return this.#request(
      { method: 'GET', path: '/organization/users', query: { ...params }, read: readUserList },
      options,
    );
  }

  /** Every user (of `emails`, when given), reading pages of 100 and following `last_id`. */
  async *listAllUsers(
    params: Pick<ListUsersParams, 'emails'> = {},
    options: CallOptions = {},
  ): AsyncGenerator<OrganizationUser> {
    yield* allPages((after) => this.listUsers({ ...params, limit: LIST_ALL_PAGE_SIZE, after }, options));
  }

  /**
   * The member with this email (compared case-insensitively), if there is one. Whether OpenAI's
   * `emails` filter ignores case is undocumented: it is sent the address as given and lowercased,
   * and every answer is checked here.
   */
  async findUserByEmail(email: string, options: CallOptions = {}): Promise<OrganizationUser | undefined> {
    const wanted = email.toLowerCase();
    const candidates = [...new Set([email, wanted])];
    for await (const user of this.listAllUsers({ emails: candidates }, options)) {
      if (user.email.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  /**
   * Removes a user from the organization. A 404 after an unclear earlier attempt counts as
   * deleted (that attempt did it); a plain 404 is `NotFoundError`.
   */
  async deleteUser(userId: string, options: CallOptions = {}): Promise<UserDeleteResponse> {
    return this.#request(
      {
        method: 'DELETE',
        path: `/organization/users/${encodeURIComponent(userId)}`,
        read: readUserDeleted,
        notFoundAfterUnclearAttempt: { object: 'organization.user.deleted', id: userId, deleted: true },
      },
      options,
    );
  }

  /**
   * Any other Admin API call (lib/openai/access-client.ts: groups, projects, keys) through the
   * same single request path as invites: the same retries, Retry-After reading, key refresh,
   * deadline and `beforeAttempt` pacing, so whatever hooks that path covers every endpoint.
   *
   * @example
   * await client.request({ method: 'GET', path: '/organization/projects', read: readProjectList });
   */
  request<T>(spec: RequestSpec<T>, options: CallOptions = {}): Promise<T> {
    return this.#request(spec, options);
  }

  async #request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    const deadline = options.deadline ?? Date.now() + this.#deadlineMs;
    const url = this.#url(spec.path, spec.query);
    let key = await this.#adminKey.getKey();
    let keyRefreshed = false;
    let unclearAttempt = false;
    for (let retry = 0; ;) {
      const outcome = await this.#attempt(spec, url, key, deadline, options.trace);
      if (outcome.ok) return spec.read(outcome.body, outcome.requestId);
      if (outcome.status === 401) {
        // The key may have been rotated since we cached it: re-read once, retry once.
        const fresh = keyRefreshed ? key : await this.#adminKey.getKey({ forceRefresh: true });
        if (fresh === key) throw new AdminKeyRejectedError(outcome.requestId);
        key = fresh;
        keyRefreshed = true;
        continue;
      }
      // A write without a clear answer may have reached OpenAI (a 4xx, 429 included, did not).
      const clear = outcome.unsent || (outcome.status !== undefined && outcome.status < 500);
      if (spec.method !== 'GET' && !clear && options.trace) options.trace.unclear = true;
      if (outcome.status === 404 && unclearAttempt && spec.notFoundAfterUnclearAttempt !== undefined) {
        return spec.notFoundAfterUnclearAttempt;
      }
      if (!outcome.retryable || retry >= this.#maxRetries) throw outcome.error;
      const delayMs = outcome.retryAfterMs ?? backoffDelayMs(retry, this.#backoff, this.#random);
      if (Date.now() + delayMs >= deadline) throw outcome.error;
      // 429 means "not processed"; anything else retryable may have reached OpenAI.
      if (spec.method !== 'GET' && outcome.status !== 429) unclearAttempt = true;
      this.#onRetry?.({
        method: spec.method,
        path: spec.path,
        status: outcome.status,
        code: outcome.error.code,
        retry: retry + 1,
        delayMs: Math.round(delayMs),
        upstreamRequestId: outcome.requestId,
      });
      await this.#sleep(delayMs);
      retry += 1;
    }
  }

  /**
   * One HTTP attempt, the single path every call to OpenAI takes: a token of the shared budget
   * first (in the caller's lane), then the call, then its answer told to the budget.
   */
  async #attempt<T>(
    spec: RequestSpec<T>,
    url: string,
    key: string,
    deadline: number,
    trace: UpstreamTrace | undefined,
  ): Promise<AttemptOutcome> {
    const ticket = await this.#budget?.take({ method: spec.method, url }, deadline);
    const outcome = await this.#send(spec, url, key, deadline, trace);
    if (this.#budget) {
      await this.#budget
        .settle(ticket, outcome.ok ? 200 : outcome.status, outcome.ok ? undefined : outcome.retryAfterMs)
        .catch(() => undefined);
    }
    return outcome;
  }

  async #send<T>(
    spec: RequestSpec<T>,
    url: string,
    key: string,
    deadline: number,
    trace: UpstreamTrace | undefined,
  ): Promise<AttemptOutcome> {
    await this.#beforeAttempt?.({ method: spec.method, url });
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      return {
        ok: false,
        retryable: false,
        unsent: true,
        error: new UpstreamTimeoutError('The deadline for OpenAI passed.'),
      };
    }
    const timeoutMs = Math.min(this.#attemptTimeoutMs, remainingMs);
    const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (trace) trace.attempts += 1;
    let status: number;
    let requestId: string | undefined;
    let text: string;
    let responseHeaders: Headers;
    try {
      const response = await this.#fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      responseHeaders = response.headers;
      requestId = response.headers.get('x-request-id') ?? undefined;
      if (requestId && trace) trace.requestIds.push(requestId);
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError';
      return {
        ok: false,
        retryable: true,
        requestId,
        error: timedOut
          ? new UpstreamTimeoutError(`OpenAI did not answer within ${timeoutMs} ms.`)
          : new UpstreamConnectionError(error),
      };
    }
    if (status >= 200 && status < 300) {
      try {
        return { ok: true, body: JSON.parse(text), requestId };
      } catch {
        return {
          ok: false,
          retryable: false,
          error: new UpstreamMalformedResponseError('the body is not JSON.', requestId),
        };
      }
    }
    return {
      ok: false,
      status,
      requestId,
      retryable: isRetryableStatus(status),
      ...errorFromAnswer(status, text, responseHeaders, requestId),
    };
  }

  #url(path: string, query?: Query): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (Array.isArray(value)) for (const item of value) search.append(name, item);
      else if (value !== undefined) search.set(name, String(value));
    }
    const suffix = search.size > 0 ? `?${search}` : '';
    return `${this.baseUrl}${path}${suffix}`;
  }
}
