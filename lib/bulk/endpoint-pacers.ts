/**
 * One adaptive pacer per OpenAI endpoint (README, "Pacing"): users report that OpenAI limits the
 * Admin API per endpoint, so a 429 on the invite list must not slow the creates down. An
 * endpoint is the method and the path template, e.g. `GET /organization/invites/{id}`.
 */
import { parseRetryAfterFromMessage, parseRetryAfterMs } from '../openai/retry-policy';
import { AdaptivePacer, type PacerOptions } from './pacer';

export interface EndpointRequest {
  method?: string;
  url: string | URL;
}

/**
 * `METHOD /path/{id}` for a call: below `/organization`, the Admin API's paths alternate a
 * collection and one of its ids (`/organization/projects/{id}/users/{id}`), so every second segment
 * is an id. Query strings (a list's `after`) do not make another endpoint.
 */
export const endpointOf = ({ method = 'GET', url }: EndpointRequest): string => {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const root = segments.indexOf('organization');
  const template = segments.slice(root + 1).map((segment, index) => (index % 2 === 1 ? '{id}' : segment));
  const prefix = root >= 0 ? '/organization' : '';
  return `${method.toUpperCase()} ${prefix}/${template.join('/')}`;
};

/**
 * The pacers of one container, made on first use, each starting at the same ceiling and keeping
 * its own state (rate, measure, pause) as long as the container lives.
 */
export class EndpointPacers {
  readonly ceilingRps: number;
  readonly #options: PacerOptions;
  readonly #pacers = new Map<string, AdaptivePacer>();
  #deadline?: number;

  constructor(ceilingRps: number, options: PacerOptions = {}) {
    if (!(ceilingRps > 0)) throw new Error('ceilingRps must be positive');
    this.ceilingRps = ceilingRps;
    this.#options = options;
  }

  /** The pacer of the endpoint `request` calls. */
  for(request: EndpointRequest): AdaptivePacer {
    const endpoint = endpointOf(request);
    let pacer = this.#pacers.get(endpoint);
    if (!pacer) {
      pacer = new AdaptivePacer(this.ceilingRps, this.#options);
      pacer.setDeadline(this.#deadline);
      this.#pacers.set(endpoint, pacer);
    }
    return pacer;
  }

  /** The endpoints called so far and their pacers. */
  entries(): [string, AdaptivePacer][] {
    return [...this.#pacers];
  }

  /**
   * How long until every endpoint takes calls again. A throttled record may need more than one
   * endpoint (a create that conflicts lists the pending invites), so it waits for the longest.
   */
  waitMs(): number {
    return Math.max(0, ...[...this.#pacers.values()].map((pacer) => pacer.waitMs()));
  }

  /** The current invocation's deadline, for every endpoint (pacer.ts `setDeadline`). */
  setDeadline(deadline: number | undefined): void {
    this.#deadline = deadline;
    for (const pacer of this.#pacers.values()) pacer.setDeadline(deadline);
  }
}

const urlOf = (input: Parameters<typeof fetch>[0]): string | URL =>
  typeof input === 'string' || input instanceof URL ? input : input.url;

/**
 * A `fetch` that tells its endpoint's pacer how each call was answered, reading a 429's wait from its
 * headers or, failing those, its message. The client's own handling of the answer is unchanged.
 */
export const pacedFetch =
  (pacers: EndpointPacers, inner: typeof fetch = (...args) => globalThis.fetch(...args)): typeof fetch =>
  async (input, init) => {
    const pacer = pacers.for({
      method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
      url: urlOf(input),
    });
    const sentAt = pacer.now();
    const response = await inner(input, init);
    let waitMs: number | undefined;
    if (response.status === 429) {
      // Headers first; the body is read only when they name no wait (lib/openai/retry-policy.ts).
      waitMs =
        parseRetryAfterMs(response.headers) ??
        parseRetryAfterFromMessage(
          await response
            .clone()
            .text()
            .catch(() => ''),
        );
    }
    pacer.observe({ sentAt, status: response.status, waitMs });
    return response;
  };
