/**
 * A stateful stand-in for OpenAI's `/v1/organization/invites` endpoints, on a real HTTP server.
 *
 * It is the default upstream of `npm start` and the fake server of the tests. It behaves as the
 * spec excerpt describes (ids, timestamps, statuses, cursor pages, OpenAI's error shape, Bearer
 * auth) and has switches for latency, a token-bucket rate limit, injected faults and the answers
 * whose real form OpenAI does not document ("already invited", "accepted, cannot delete").
 * It answers invites in today's spec shape (`created_at`) or, switched by the `inviteShape`
 * option, SIMULATOR_INVITE_SHAPE=legacy or `PATCH /_simulator/options`, the older one
 * (`invited_at` only); invites expire after `inviteTtlSeconds` or at once with
 * `POST /_simulator/invites/{id}/expire`, then behave as `expiredInvites` says.
 * It also models the organization's users (`/v1/organization/users`): accepting an invite makes
 * one with the invite's email and role; more, owners included, are seeded with the `users` option
 * or `POST /_simulator/users`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  InviteDeleteResponse,
  InviteProject,
  OrganizationRole,
  UserDeleteResponse,
} from '../lib/openai/types';
import { close, listen } from './loopback-server';
import { SimulatedAccess } from './simulator-access';
import { checkLocalRequest, ForbiddenLocalRequestError } from './request-guard';

/** A scripted answer for the next matching request(s). */
export interface InjectedFault {
  /** Only requests with this method (default: any). */
  method?: string;
  /** Only requests whose path (after `/v1`) starts with this (default: any). */
  pathPrefix?: string;
  /** How many requests it applies to (default 1). */
  times?: number;
  /**
   * `status`: answer with it (and `body`/`headers`) without touching state.
   * `timeout`: never answer. `reset`: destroy the connection.
   * `malformed`: answer 200 with a body that is not JSON.
   * `lose-response`: process the request, then destroy the connection (the client sees a reset).
   */
  kind: 'status' | 'timeout' | 'reset' | 'malformed' | 'lose-response';
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RateLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (default: ratePerSecond, at least 1). */
  burst?: number;
  /**
   * Answer 429 as users report OpenAI's Admin API does: no `Retry-After` nor `x-ratelimit-*`
   * header, the wait only in the message ("…try again after 6.937 seconds.").
   */
  messageOnly?: boolean;
  /**
   * One bucket per endpoint (the method and the path with its ids as `{id}`), as OpenAI limits
   * per endpoint; default one bucket for every call.
   */
  perEndpoint?: boolean;
}

/** How the simulator says "already invited": OpenAI does not document it. */
export interface DuplicateAnswer {
  status: number;
  code: string | null;
  message: string;
}

/**
 * Which generation of OpenAI's invite object the simulator answers with: `current` (spec since
 * 2025: `created_at`, nullable `expires_at`/`accepted_at`) or `legacy` (spec 2024-08..2025-06:
 * `invited_at` only, no `accepted_at` until accepted), as some of OpenAI's documentation shows.
 */
export type InviteShape = 'current' | 'legacy';

/**
 * What an invite past its `expires_at` does. `expire`: its status turns `expired` and the email
 * may be invited again. `stay-pending`: it keeps reading `pending` and blocks a new invite (as
 * users of OpenAI report). `block`: it reads `expired` but still blocks a new invite (OpenAI's
 * answer here is undocumented).
 */
export type ExpiryBehaviour = 'expire' | 'stay-pending' | 'block';

/** An invite as the simulator keeps it; `render` turns it into the answer of a given shape. */
export interface SimulatedInvite {
  object: 'organization.invite';
  id: string;
  email: string;
  role: OrganizationRole;
  status: 'pending' | 'accepted' | 'expired';
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  projects: InviteProject[];
}

/**
 * Where the organization (invites and members) outlives the process (`npm start`:
 * local/simulator-organization.ts); without one it lives in memory only. Told of every change, in
 * list order.
 */
export interface SimulatorStore {
  load(): SimulatedInvite[];
  /** A new invite (appended to the list) or a changed one (keeps its place). */
  save(invite: SimulatedInvite): void;
  remove(inviteId: string): void;
  loadUsers(): SimulatedUser[];
  saveUser(user: SimulatedUser): void;
  removeUser(userId: string): void;
  clear(): void;
}

/** A member of the simulated organization. */
export interface SimulatedUser {
  object: 'organization.user';
  id: string;
  name: string;
  email: string;
  role: OrganizationRole;
  added_at: number;
}

/** A user to seed: the organization's owner, or a member who joined before the product. */
export interface UserSeed {
  email: string;
  role?: OrganizationRole;
  name?: string;
}

export interface SimulatorOptions {
  /** Accepted Bearer keys; empty accepts any non-empty key. */
  apiKeys?: string[];
  latencyMs?: number;
  rateLimit?: RateLimit;
  /** Fraction (0–1) of requests answered 500/502/503 at random. */
  failureRate?: number;
  duplicateAnswer?: DuplicateAnswer;
  /**
   * `true`: a create for an email with a pending invite makes a second one, as an upstream might
   * (what OpenAI answers is undocumented): the product must not rely on being refused.
   */
  acceptDuplicates?: boolean;
  /** Seconds an invite stays valid (OpenAI's are days). */
  inviteTtlSeconds?: number;
  /** Default: SIMULATOR_INVITE_SHAPE, else `current`. */
  inviteShape?: InviteShape;
  /** Default `expire`. */
  expiredInvites?: ExpiryBehaviour;
  /** Members the organization starts with (and returns to on `reset()`), e.g. its owner. */
  users?: UserSeed[];
}

/** SIMULATOR_INVITE_SHAPE=legacy makes `npm start`'s simulator answer `invited_at` only. */
export const SIMULATOR_INVITE_SHAPE_ENV = 'SIMULATOR_INVITE_SHAPE';

const inviteShapeFrom = (env: Record<string, string | undefined>): InviteShape =>
  env[SIMULATOR_INVITE_SHAPE_ENV]?.trim().toLowerCase() === 'legacy' ? 'legacy' : 'current';

/** The invite as OpenAI's spec of the chosen generation shows it. */
export const render = (invite: SimulatedInvite, shape: InviteShape = 'current'): Record<string, unknown> => {
  if (shape === 'current') return { ...invite };
  const { created_at: invitedAt, accepted_at: acceptedAt, ...rest } = invite;
  return { ...rest, invited_at: invitedAt, ...(acceptedAt === null ? {} : { accepted_at: acceptedAt }) };
};

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** True when the Authorization header carried an accepted key (the key itself is not kept). */
  authorized: boolean;
}

const DEFAULT_DUPLICATE_ANSWER: DuplicateAnswer = {
  status: 409,
  code: 'invite_already_exists',
  message: 'An invite for this email address already exists.',
};
/** Control endpoints live outside `/v1`, so no OpenAI client can reach them by accident. */
export const CONTROL_PREFIX = '/_simulator';
/** Where an invite without `projects` lands. */
export const DEFAULT_PROJECT_ID = 'proj_default';
const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
const MAX_BODY_BYTES = 1024 * 1024;

const errorBody = (
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
) => ({
  error: { message, type, param, code },
});

class TokenBucket {
  #tokens: number;
  #updatedAt = performance.now();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  /** Takes a token, or says how many ms until one is there. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.ratePerSecond);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: ((1 - this.#tokens) / this.ratePerSecond) * 1000 };
  }
}

export class InvitesSimulator {
  /** Every invite ever created, oldest first (list order). */
  readonly invites: SimulatedInvite[] = [];
  /** The organization's members, oldest first (list order). */
  readonly users: SimulatedUser[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Groups, projects, project users and API keys (local/simulator-access.ts). */
  readonly access: SimulatedAccess;
  options: SimulatorOptions;
  /** What the simulator was started with: `reset()` returns to it. */
  readonly #initialOptions: SimulatorOptions;
  readonly #store?: SimulatorStore;
  #faults: InjectedFault[] = [];
  #bucket?: TokenBucket;
  /** With `perEndpoint`: the endpoints' buckets, made on first use. */
  readonly #buckets = new Map<string, TokenBucket>();
  #server?: Server;
  #url = '';

  constructor(
    options: SimulatorOptions = {},
    /** Default: none, the organization lives in memory only. */
    store?: SimulatorStore,
  ) {
    this.#initialOptions = { inviteShape: inviteShapeFrom(process.env), ...options };
    this.options = { ...this.#initialOptions };
    this.setRateLimit(options.rateLimit);
    this.#store = store;
    this.access = new SimulatedAccess(
      { users: this.users, saveUser: (user) => store?.saveUser(user as SimulatedUser) },
      DEFAULT_PROJECT_ID,
    );
    this.invites.push(...(store?.load() ?? []));
    this.users.push(...(store?.loadUsers() ?? []));
    // Seeds join once: a restarted `npm start` finds them already in its store.
    for (const user of options.users ?? []) if (!this.#userOf(user.email)) this.seedUser(user);
  }

  /** `http://127.0.0.1:PORT/v1`, the base URL to give a client. */
  get url(): string {
    return this.#url;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          this.#send(res, 500, errorBody(`Simulator error: ${String(error)}`, 'server_error'));
      });
    });
    this.#url = `http://${host}:${await listen(this.#server, port, host)}/v1`;
    return this.#url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await close(server);
  }

  /** Queues a scripted answer for the next matching request(s). */
  inject(fault: InjectedFault): void {
    this.#faults.push({ times: 1, ...fault });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  setRateLimit(rateLimit: RateLimit | undefined): void {
    this.options.rateLimit = rateLimit;
    this.#buckets.clear();
    this.#bucket = rateLimit
      ? new TokenBucket(rateLimit.ratePerSecond, rateLimit.burst ?? Math.max(1, rateLimit.ratePerSecond))
      : undefined;
  }

  /** Marks an invite as accepted, as if its recipient had clicked the link. */
  accept(inviteId: string): void {
    const invite = this.invites.find((candidate) => candidate.id === inviteId);
    if (!invite) throw new Error(`No invite ${inviteId}`);
    invite.status = 'accepted';
    invite.accepted_at = Math.floor(Date.now() / 1000);
    this.#store?.save(invite);
    // Accepting is joining: the invite's email becomes a member with the invite's role.
    if (!this.#userOf(invite.email)) this.seedUser({ email: invite.email, role: invite.role });
    this.access.joined(this.#userOf(invite.email)!.id, invite.projects);
  }

  /** Adds a member directly (an owner, or someone who joined outside the product). */
  seedUser({ email, role = 'reader', name }: UserSeed): SimulatedUser {
    const user: SimulatedUser = {
      object: 'organization.user',
      id: `user-${randomBytes(12).toString('base64url')}`,
      name: name ?? email.split('@')[0]!,
      email,
      role,
      added_at: Math.floor(Date.now() / 1000),
    };
    this.users.push(user);
    this.#store?.saveUser(user);
    return user;
  }

  /**
   * Ends an invite's validity now, as its TTL would: `expires_at` moves to the past and its status
   * follows `expiredInvites`.
   */
  expire(inviteId: string): SimulatedInvite {
    const invite = this.invites.find((candidate) => candidate.id === inviteId);
    if (!invite) throw new Error(`No invite ${inviteId}`);
    if (invite.status === 'accepted') throw new Error(`Invite ${inviteId} was accepted`);
    invite.expires_at = Math.floor(Date.now() / 1000) - 1;
    this.#store?.save(invite);
    this.#refreshExpiry();
    return invite;
  }

  /** Adds an invite directly (seeding lists), bypassing HTTP. */
  seed(email: string, role: OrganizationRole = 'reader', projects: InviteProject[] = []): SimulatedInvite {
    return this.#create(email, role, projects);
  }

  /**
   * Back to a fresh start: no invites, requests or queued faults, and the options it was created
   * with (a test's switch, or a `PATCH /options`, does not outlive the next reset).
   */
  reset(): void {
    this.invites.length = 0;
    this.#store?.clear();
    this.users.length = 0;
    this.requests.length = 0;
    this.clearFaults();
    this.access.reset();
    // In place: callers may hold `options` (the control API's state answer shows the same object).
    for (const key of Object.keys(this.options)) delete this.options[key as keyof SimulatorOptions];
    Object.assign(this.options, this.#initialOptions);
    this.setRateLimit(this.#initialOptions.rateLimit);
    for (const user of this.#initialOptions.users ?? []) this.seedUser(user);
  }

  #create(email: string, role: OrganizationRole, projects: InviteProject[]): SimulatedInvite {
    const now = Math.floor(Date.now() / 1000);
    const invite: SimulatedInvite = {
      object: 'organization.invite',
      id: `invite-${randomBytes(12).toString('base64url')}`,
      email,
      role,
      status: 'pending',
      created_at: now,
      expires_at: now + (this.options.inviteTtlSeconds ?? DEFAULT_TTL_SECONDS),
      accepted_at: null,
      projects,
    };
    this.invites.push(invite);
    this.#store?.save(invite);
    return invite;
  }

  #refreshExpiry(): void {
    if (this.options.expiredInvites === 'stay-pending') return;
    const now = Math.floor(Date.now() / 1000);
    for (const invite of this.invites) {
      if (invite.status === 'pending' && invite.expires_at <= now) {
        invite.status = 'expired';
        this.#store?.save(invite);
      }
    }
  }

  /** The bucket a call takes a token of: the only one, or (`perEndpoint`) its endpoint's. */
  #bucketFor(method: string, path: string): TokenBucket | undefined {
    const limit = this.options.rateLimit;
    if (!limit?.perEndpoint || !this.#bucket) return this.#bucket;
    // `/organization/projects/{id}/users/{id}`: every other segment after the collection is an id.
    const template = path
      .split('/')
      .map((segment, index) => (index >= 3 && index % 2 === 1 ? '{id}' : segment))
      .join('/');
    const endpoint = `${method} ${template}`;
    let bucket = this.#buckets.get(endpoint);
    if (!bucket) {
      bucket = new TokenBucket(this.#bucket.ratePerSecond, this.#bucket.burst);
      this.#buckets.set(endpoint, bucket);
    }
    return bucket;
  }

  #userOf(email: string): SimulatedUser | undefined {
    const wanted = email.toLowerCase();
    return this.users.find((user) => user.email.toLowerCase() === wanted);
  }

  /**
   * Does an invite of this email stop a new one? An accepted one no longer does: membership
   * does (see `#createFromBody`), so a removed member can be invited again.
   */
  #blocks(invite: SimulatedInvite): boolean {
    if (invite.status === 'pending') return true;
    return invite.status === 'expired' && this.options.expiredInvites === 'block';
  }

  #render(invite: SimulatedInvite): Record<string, unknown> {
    return render(invite, this.options.inviteShape);
  }

  #takeFault(method: string, path: string): InjectedFault | undefined {
    const index = this.#faults.findIndex(
      (fault) =>
        (fault.method === undefined || fault.method === method) &&
        (fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix)),
    );
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const keys = this.options.apiKeys ?? [];
    return keys.length === 0 || keys.includes(match[1]!);
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'x-request-id': `req_${randomBytes(8).toString('hex')}`,
      ...headers,
    });
    res.end(text);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/v1(?=\/)/, '');
    // No web page may read or drive the simulator, its `/v1` organization (emails, invites) no
    // less than its control API (DNS rebinding, cross-site POSTs): local/request-guard.ts, on
    // every path, before the body is read.
    try {
      checkLocalRequest(req, Number(new URL(this.#url).port));
    } catch (error) {
      if (!(error instanceof ForbiddenLocalRequestError)) throw error;
      req.resume();
      return this.#send(res, error.status, error.toErrorBody());
    }
    const body = await readBody(req);
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.#control(res, method, url.pathname, body);
    const authorized = this.#authorized(req);
    const record = (status: number) => this.requests.push({ method, path, status, authorized });

    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));

    const fault = this.#takeFault(method, path);
    if (fault && fault.kind !== 'lose-response') {
      record(fault.kind === 'status' ? (fault.status ?? 500) : 0);
      if (fault.kind === 'timeout') return; // the socket stays open until the client gives up
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'malformed') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end('{"object": "organization.invite", "id": ');
      }
      const status = fault.status ?? 500;
      return this.#send(
        res,
        status,
        fault.body ?? errorBody(`Injected ${status}.`, 'server_error'),
        fault.headers,
      );
    }

    if (!authorized) {
      record(401);
      return this.#send(
        res,
        401,
        errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
      );
    }
    const bucketAnswer = this.#bucketFor(method, path)?.take();
    if (bucketAnswer && !bucketAnswer.ok && this.options.rateLimit?.messageOnly) {
      record(429);
      const after = (bucketAnswer.waitMs / 1000).toFixed(3);
      const message = `Rate limit reached for requests. Please try again after ${after} seconds.`;
      return this.#send(res, 429, errorBody(message, 'invalid_request_error', 'rate_limit_exceeded'));
    }
    if (bucketAnswer && !bucketAnswer.ok) {
      record(429);
      return this.#send(
        res,
        429,
        errorBody('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'),
        {
          'retry-after': String(Math.max(1, Math.ceil(bucketAnswer.waitMs / 1000))),
          'retry-after-ms': String(Math.ceil(bucketAnswer.waitMs)),
        },
      );
    }
    if (this.options.failureRate && Math.random() < this.options.failureRate) {
      const status = [500, 502, 503][Math.floor(Math.random() * 3)]!;
      record(status);
      return this.#send(
        res,
        status,
        errorBody('The server had an error while processing your request.', 'server_error'),
      );
    }

    const [status, answer] = this.#route(method, path, url.searchParams, body);
    record(status);
    if (fault?.kind === 'lose-response') return void req.socket.destroy();
    this.#send(res, status, answer);
  }

  /** The control API of `npm start` and the README: state, reset, faults, options, accept. */
  #control(res: ServerResponse, method: string, pathname: string, body: string): void {
    const [status, answer] = this.#controlAction(`${method} ${pathname.slice(CONTROL_PREFIX.length)}`, body);
    this.#send(res, status, answer);
  }

  #controlAction(action: string, body: string): [number, unknown] {
    const input = (body ? JSON.parse(body) : {}) as Record<string, unknown>;
    const accept = /^POST \/invites\/([^/]+)\/accept$/.exec(action);
    const expire = /^POST \/invites\/([^/]+)\/expire$/.exec(action);
    const access = this.access.control(action, input);
    if (access) return access;
    if (action === 'GET /state')
      return [
        200,
        { invites: this.invites, users: this.users, requests: this.requests, options: this.options },
      ];
    if (action === 'POST /reset') {
      this.reset();
      return [200, { reset: true }];
    }
    if (action === 'POST /faults') {
      this.inject(input as unknown as InjectedFault);
      return [200, { queued: this.#faults.length }];
    }
    if (action === 'PATCH /options') {
      const { rateLimit, ...rest } = input as SimulatorOptions;
      Object.assign(this.options, rest);
      if ('rateLimit' in input) this.setRateLimit(rateLimit ?? undefined);
      return [200, this.options];
    }
    if (action === 'POST /users') {
      const seed = input as Partial<UserSeed>;
      if (typeof seed.email !== 'string' || !seed.email.includes('@'))
        return [400, errorBody("Invalid 'email'.", 'invalid_request_error', null, 'email')];
      if (seed.role !== undefined && seed.role !== 'reader' && seed.role !== 'owner')
        return [400, errorBody("Invalid 'role'.", 'invalid_request_error', null, 'role')];
      if (this.#userOf(seed.email))
        return [409, errorBody('This user is already a member.', 'invalid_request_error')];
      return [200, this.seedUser({ email: seed.email, role: seed.role, name: seed.name })];
    }
    if (accept) {
      const invite = this.invites.find((candidate) => candidate.id === decodeURIComponent(accept[1]!));
      if (!invite) return [404, errorBody('No such invite.', 'invalid_request_error')];
      this.accept(invite.id);
      return [200, invite];
    }
    if (expire) {
      const invite = this.invites.find((candidate) => candidate.id === decodeURIComponent(expire[1]!));
      if (!invite) return [404, errorBody('No such invite.', 'invalid_request_error')];
      if (invite.status === 'accepted')
        return [409, errorBody('An accepted invite cannot expire.', 'invalid_request_error')];
      return [200, this.expire(invite.id)];
    }
    return [404, errorBody(`Unknown control action ${action}.`, 'invalid_request_error')];
  }

  #route(method: string, path: string, query: URLSearchParams, body: string): [number, unknown] {
    this.#refreshExpiry();
    const item = /^\/organization\/invites\/([^/]+)$/.exec(path);
    const user = /^\/organization\/users\/([^/]+)$/.exec(path);
    if (path === '/organization/users' && method === 'GET') return this.#listUsers(query);
    if (user && method === 'GET') return this.#retrieveUser(decodeURIComponent(user[1]!));
    if (user && method === 'DELETE') return this.#deleteUser(decodeURIComponent(user[1]!));
    if (path === '/organization/invites' && method === 'POST') return this.#createFromBody(body);
    if (path === '/organization/invites' && method === 'GET') return this.#list(query);
    if (item && method === 'GET') return this.#retrieve(decodeURIComponent(item[1]!));
    if (item && method === 'DELETE') return this.#delete(decodeURIComponent(item[1]!));
    const access = this.access.route(method, path, query, body);
    if (access) return access;
    return [404, errorBody(`Invalid URL (${method} /v1${path})`, 'invalid_request_error')];
  }

  #createFromBody(body: string): [number, unknown] {
    let request: { email?: unknown; role?: unknown; projects?: unknown };
    try {
      request = JSON.parse(body);
    } catch {
      return [400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error')];
    }
    if (typeof request?.email !== 'string' || !request.email.includes('@')) {
      return [400, errorBody("Invalid 'email'.", 'invalid_request_error', null, 'email')];
    }
    if (request.role !== 'reader' && request.role !== 'owner') {
      return [400, errorBody("Invalid 'role'.", 'invalid_request_error', null, 'role')];
    }
    // Omitted projects mean the default project, as OpenAI's spec says; [] means none.
    const projects = request.projects ?? [{ id: DEFAULT_PROJECT_ID, role: 'member' }];
    if (!Array.isArray(projects))
      return [400, errorBody("Invalid 'projects'.", 'invalid_request_error', null, 'projects')];
    const email = request.email.toLowerCase();
    const taken =
      this.#userOf(email) !== undefined ||
      (!this.options.acceptDuplicates &&
        this.invites.some((invite) => invite.email.toLowerCase() === email && this.#blocks(invite)));
    if (taken) {
      const { status, code, message } = this.options.duplicateAnswer ?? DEFAULT_DUPLICATE_ANSWER;
      return [status, errorBody(message, 'invalid_request_error', code, 'email')];
    }
    return [200, this.#render(this.#create(request.email, request.role, projects as InviteProject[]))];
  }

  #list(query: URLSearchParams): [number, unknown] {
    return page(this.invites, query, 'invite', (invite) => this.#render(invite));
  }

  /** `emails` is an array parameter: repeated, `emails=a&emails=b`; matched as given. */
  #listUsers(query: URLSearchParams): [number, unknown] {
    const emails = query.getAll('emails');
    const users = emails.length ? this.users.filter((user) => emails.includes(user.email)) : this.users;
    return page(users, query, 'user', (user) => ({ ...user }));
  }

  #retrieveUser(id: string): [number, unknown] {
    const user = this.users.find((candidate) => candidate.id === id);
    if (!user) return [404, errorBody(`No user found with id '${id}'.`, 'invalid_request_error')];
    return [200, { ...user }];
  }

  /**
   * Removes a member. Owners may be removed (OpenAI's API does not say otherwise), except the
   * last one: an organization cannot be left without an owner, as OpenAI's dashboard enforces.
   */
  #deleteUser(id: string): [number, unknown] {
    const index = this.users.findIndex((candidate) => candidate.id === id);
    if (index < 0) return [404, errorBody(`No user found with id '${id}'.`, 'invalid_request_error')];
    const owners = this.users.filter((user) => user.role === 'owner');
    if (this.users[index]!.role === 'owner' && owners.length === 1) {
      return [400, errorBody('Cannot remove the last owner of an organization.', 'invalid_request_error')];
    }
    this.users.splice(index, 1);
    this.#store?.removeUser(id);
    this.access.left(id);
    const answer: UserDeleteResponse = { object: 'organization.user.deleted', id, deleted: true };
    return [200, answer];
  }

  #retrieve(id: string): [number, unknown] {
    const invite = this.invites.find((candidate) => candidate.id === id);
    if (!invite) return [404, errorBody(`No invite found with id '${id}'.`, 'invalid_request_error')];
    return [200, this.#render(invite)];
  }

  #delete(id: string): [number, unknown] {
    const index = this.invites.findIndex((candidate) => candidate.id === id);
    if (index < 0) return [404, errorBody(`No invite found with id '${id}'.`, 'invalid_request_error')];
    if (this.invites[index]!.status === 'accepted') {
      return [
        400,
        errorBody('Cannot delete an invite that has already been accepted.', 'invalid_request_error'),
      ];
    }
    this.invites.splice(index, 1);
    this.#store?.remove(id);
    const answer: InviteDeleteResponse = { object: 'organization.invite.deleted', id, deleted: true };
    return [200, answer];
  }
}

/** One cursor page of `items` (OpenAI's list shape: limit 1–100, default 20; `after` an id). */
const page = <T extends { id: string }>(
  items: T[],
  query: URLSearchParams,
  noun: string,
  render: (item: T) => unknown,
): [number, unknown] => {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return [400, errorBody('limit must be between 1 and 100.', 'invalid_request_error', null, 'limit')];
  }
  const after = query.get('after');
  let start = 0;
  if (after !== null) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0)
      return [400, errorBody(`No ${noun} found with id '${after}'.`, 'invalid_request_error', null, 'after')];
    start = index + 1;
  }
  const data = items.slice(start, start + limit);
  return [
    200,
    {
      object: 'list',
      data: data.map(render),
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: start + limit < items.length,
    },
  ];
};

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};
