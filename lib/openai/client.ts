/**
 * A small typed client for OpenAI's `/organization/invites` endpoints on global `fetch`.
 *
 * Why not the `openai` SDK: it needs Node 22 from 7.x, weighs ≈ 395 KB in a bundle and retries
 * POST on 409 without an idempotency key (DESIGN.md). This client retries with capped, jittered
 * backoff, honours Retry-After, re-reads the Admin key once on a 401, and makes retried creates
 * and deletes idempotent: a create that meets "already invited" returns the pending invite.
 */
import * as z from 'zod/mini';
import type { AdminKeySource } from '../secrets/admin-key';
import { type InvitesError } from '../commons/errors';
import { NotFoundError } from '../http/errors';
import {
  AdminKeyRejectedError,
  InviteAlreadyAcceptedError,
  UpstreamApiError,
  UpstreamConnectionError,
  UpstreamMalformedResponseError,
  UpstreamRateLimitError,
  UpstreamTimeoutError,
  UserAlreadyExistsError,
} from './errors';
import type {
  Invite,
  InviteDeleteResponse,
  InviteListResponse,
  InviteRequest,
  ListInvitesParams,
} from './types';
import {
  type BackoffOptions,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  parseRetryAfterMs,
} from './retry-policy';
import { isAcceptedInviteAnswer, isAlreadyInvitedAnswer } from './upstream-answers';

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

export interface InvitesClientOptions {
  adminKey: AdminKeySource;
  /** Default `OPENAI_BASE_URL`, else https://api.openai.com/v1. */
  baseUrl?: string;
  attemptTimeoutMs?: number;
  deadlineMs?: number;
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Told before each retry (for a log line, or to slow a rate limiter); never given the key. */
  onRetry?: (notice: RetryNotice) => void;
  /** Awaited before every HTTP attempt, retries included: the bulk worker's rate limiter. */
  beforeAttempt?: () => Promise<void>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CreateInviteResult {
  invite: Invite;
  /** False when OpenAI already had a pending invite for the email and that one is returned. */
  created: boolean;
}

// Upstream shapes are checked loosely: OpenAI may add fields and values at any time.
const inviteSchema = z.looseObject({
  object: z.literal('organization.invite'),
  id: z.string().check(z.minLength(1)),
  email: z.string(),
  role: z.string(),
  status: z.string(),
  created_at: z.number(),
  expires_at: z.optional(z.nullable(z.number())),
  accepted_at: z.optional(z.nullable(z.number())),
  projects: z.optional(z.array(z.looseObject({ id: z.string(), role: z.string() }))),
});
const inviteListSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(inviteSchema),
  first_id: z.optional(z.nullable(z.string())),
  last_id: z.optional(z.nullable(z.string())),
  has_more: z.boolean(),
});
const inviteDeletedSchema = z.looseObject({
  object: z.literal('organization.invite.deleted'),
  id: z.string(),
  deleted: z.boolean(),
});
const errorBodySchema = z.object({
  error: z.looseObject({
    message: z.optional(z.nullable(z.string())),
    type: z.optional(z.nullable(z.string())),
    code: z.optional(z.nullable(z.union([z.string(), z.number()]))),
    param: z.optional(z.nullable(z.string())),
  }),
});

/** Upstream messages can quote a masked key ("Incorrect API key provided: sk-admin-****"). */
const redactKeys = (text: string): string => text.replace(/sk-[A-Za-z0-9_*.-]+/g, 'sk-***');

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodMiniType<T>;
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
    };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OpenAIInvitesClient {
  readonly baseUrl: string;
  readonly #adminKey: AdminKeySource;
  readonly #attemptTimeoutMs: number;
  readonly #deadlineMs: number;
  readonly #maxRetries: number;
  readonly #backoff: BackoffOptions;
  readonly #onRetry?: (notice: RetryNotice) => void;
  readonly #beforeAttempt?: () => Promise<void>;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: InvitesClientOptions) {
    this.baseUrl = (options.baseUrl ?? process.env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL).replace(
      /\/+$/,
      '',
    );
    this.#adminKey = options.adminKey;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#onRetry = options.onRetry;
    this.#beforeAttempt = options.beforeAttempt;
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
   * Creates an invite. When OpenAI answers that the email already has a pending invite (also
   * on a retry after a lost response), that invite is returned with `created: false`.
   */
  async createInvite(request: InviteRequest, options: CallOptions = {}): Promise<CreateInviteResult> {
    const invite = await this.createInviteIfAbsent(request, options);
    if (invite) return { invite, created: true };
    const existing = await this.findPendingInvite(request.email, options);
    if (existing) return { invite: existing, created: false };
    throw new UserAlreadyExistsError(options.trace?.requestIds.at(-1));
  }

  /**
   * Creates an invite, or answers undefined when OpenAI says the email is already invited or a
   * member. Cheaper than `createInvite` where the existing invite is not needed (bulk jobs).
   */
  async createInviteIfAbsent(request: InviteRequest, options: CallOptions = {}): Promise<Invite | undefined> {
    try {
      const invite = await this.#request(
        { method: 'POST', path: '/organization/invites', body: request, schema: inviteSchema },
        options,
      );
      return invite as Invite;
    } catch (error) {
      if (error instanceof UpstreamApiError && isAlreadyInvitedAnswer(error)) return undefined;
      throw error;
    }
  }

  async listInvites(params: ListInvitesParams = {}, options: CallOptions = {}): Promise<InviteListResponse> {
    const page = await this.#request(
      { method: 'GET', path: '/organization/invites', query: { ...params }, schema: inviteListSchema },
      options,
    );
    return page as InviteListResponse;
  }

  /** Every invite, reading pages of 100 and following `last_id` while `has_more`. */
  async *listAllInvites(options: CallOptions = {}): AsyncGenerator<Invite> {
    let after: string | undefined;
    for (;;) {
      const page = await this.listInvites({ limit: LIST_ALL_PAGE_SIZE, after }, options);
      yield* page.data;
      if (!page.has_more) return;
      const next = page.last_id ?? page.data.at(-1)?.id;
      if (!next || next === after) {
        throw new UpstreamMalformedResponseError('has_more is true but the page gives no new cursor.');
      }
      after = next;
    }
  }

  /** The pending invite for an email (compared case-insensitively), if there is one. */
  async findPendingInvite(email: string, options: CallOptions = {}): Promise<Invite | undefined> {
    const wanted = email.toLowerCase();
    for await (const invite of this.listAllInvites(options)) {
      if (invite.status === 'pending' && invite.email.toLowerCase() === wanted) return invite;
    }
    return undefined;
  }

  async retrieveInvite(inviteId: string, options: CallOptions = {}): Promise<Invite> {
    const invite = await this.#request(
      { method: 'GET', path: `/organization/invites/${encodeURIComponent(inviteId)}`, schema: inviteSchema },
      options,
    );
    return invite as Invite;
  }

  /** Deletes a pending invite; an accepted one gives `InviteAlreadyAcceptedError` (409). */
  async deleteInvite(inviteId: string, options: CallOptions = {}): Promise<InviteDeleteResponse> {
    const deleted: InviteDeleteResponse = {
      object: 'organization.invite.deleted',
      id: inviteId,
      deleted: true,
    };
    try {
      const answer = await this.#request(
        {
          method: 'DELETE',
          path: `/organization/invites/${encodeURIComponent(inviteId)}`,
          schema: inviteDeletedSchema,
          notFoundAfterUnclearAttempt: deleted,
        },
        options,
      );
      return answer as InviteDeleteResponse;
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

  async #request<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    const deadline = options.deadline ?? Date.now() + this.#deadlineMs;
    const url = this.#url(spec.path, spec.query);
    let key = await this.#adminKey.getKey();
    let keyRefreshed = false;
    let unclearAttempt = false;
    for (let retry = 0; ;) {
      const outcome = await this.#attempt(spec, url, key, deadline, options.trace);
      if (outcome.ok) return this.#parse(spec.schema, outcome.body, outcome.requestId);
      if (outcome.status === 401) {
        // The key may have been rotated since we cached it: re-read once, retry once.
        const fresh = keyRefreshed ? key : await this.#adminKey.getKey({ forceRefresh: true });
        if (fresh === key) throw new AdminKeyRejectedError(outcome.requestId);
        key = fresh;
        keyRefreshed = true;
        continue;
      }
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

  async #attempt<T>(
    spec: RequestSpec<T>,
    url: string,
    key: string,
    deadline: number,
    trace: UpstreamTrace | undefined,
  ): Promise<AttemptOutcome> {
    await this.#beforeAttempt?.();
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      return {
        ok: false,
        retryable: false,
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
    const retryAfterMs = parseRetryAfterMs(responseHeaders);
    return {
      ok: false,
      status,
      requestId,
      retryAfterMs,
      retryable: isRetryableStatus(status),
      error: this.#errorFromAnswer(status, text, requestId, retryAfterMs),
    };
  }

  #errorFromAnswer(status: number, text: string, requestId?: string, retryAfterMs?: number): InvitesError {
    let parsed: z.infer<typeof errorBodySchema>['error'] | undefined;
    try {
      const result = errorBodySchema.safeParse(JSON.parse(text));
      parsed = result.success ? result.data.error : undefined;
    } catch {
      parsed = undefined;
    }
    const message = redactKeys(parsed?.message || `OpenAI answered HTTP ${status}.`);
    const code = parsed?.code == null ? null : String(parsed.code);
    if (status === 429)
      return new UpstreamRateLimitError(message, { retryAfterMs, upstreamRequestId: requestId, code });
    if (status === 404)
      return new NotFoundError(message, { code: code ?? undefined, upstreamRequestId: requestId });
    return new UpstreamApiError(message, {
      status,
      type: parsed?.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      code,
      param: parsed?.param ?? null,
      upstreamRequestId: requestId,
    });
  }

  #parse<T>(schema: z.ZodMiniType<T>, body: unknown, requestId?: string): T {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new UpstreamMalformedResponseError(`unexpected ${where}.`, requestId);
  }

  #url(path: string, query?: Record<string, string | number | undefined>): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) search.set(name, String(value));
    }
    const suffix = search.size > 0 ? `?${search}` : '';
    return `${this.baseUrl}${path}${suffix}`;
  }
}
