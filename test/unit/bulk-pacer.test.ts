/** The adaptive pacer on a hand-driven clock: each `observe` is an answer OpenAI gave. */
import { describe, expect, it } from 'vitest';
import { PacerPausedError } from '../../lib/bulk/errors';
import { EndpointPacers, endpointOf, pacedFetch } from '../../lib/bulk/endpoint-pacers';
import { AdaptivePacer } from '../../lib/bulk/pacer';
import { parseRetryAfterFromMessage } from '../../lib/openai/retry-policy';

const clock = (start = 1_000_000) => {
  const time = { now: start };
  return { time, now: () => time.now };
};

describe('the wait read from a 429 message (the one reader, lib/openai/retry-policy.ts)', () => {
  it.each([
    ['Rate limit reached for requests. Please try again after 6.937 seconds.', 6937],
    ['Please try again in 20ms.', 20],
    ['try again after 2 s', 2000],
    ['Rate limit reached.', undefined],
  ])('%s → %s', (message, ms) => {
    expect(parseRetryAfterFromMessage(message)).toBe(ms);
  });
});

describe('AdaptivePacer', () => {
  it('starts at its ceiling, halves on a first 429, then drops to the rate it measured between two 429s', () => {
    const { time, now } = clock();
    const pacer = new AdaptivePacer(10, { now });
    expect(pacer.rate).toBe(10);

    pacer.observe({ sentAt: time.now, status: 429, waitMs: 500 });
    expect(pacer.rate).toBe(5);
    expect(pacer.waitMs()).toBe(500);

    // Right after the wait the limiter held one call; it accepted four while the pacer kept
    // busy, then a 429 whose wait ends 1 s after the first one's: it allows 4 calls/s.
    time.now += 500;
    for (let call = 0; call < 4; call += 1) pacer.observe({ sentAt: time.now + call * 200, status: 200 });
    expect(pacer.rate).toBe(10); // slow start: doubling while nothing is measured
    time.now += 800;
    pacer.observe({ sentAt: time.now, status: 429, waitMs: 200 });

    expect(pacer.measuredRps).toBeCloseTo(4);
    expect(pacer.rate).toBeCloseTo(4 * 0.9);
  });

  it('reacts once to the 429s of calls sent before it slowed down: they only extend the pause', () => {
    const { time, now } = clock();
    const pacer = new AdaptivePacer(10, { now });
    const sentAt = time.now;
    time.now += 5; // both answers arrive after both calls were sent
    pacer.observe({ sentAt, status: 429, waitMs: 500 });
    pacer.observe({ sentAt: sentAt + 1, status: 429, waitMs: 900 });

    expect(pacer.rate).toBe(5);
    expect(pacer.waitMs()).toBe(896);
  });

  it('keeps near its last measure through a long episode of 429s, and doubles back to it after', () => {
    const { time, now } = clock();
    const pacer = new AdaptivePacer(10, { now });
    pacer.observe({ sentAt: time.now, status: 429, waitMs: 100 });
    time.now += 100;
    for (let call = 0; call < 4; call += 1) pacer.observe({ sentAt: time.now + call * 250, status: 200 });
    time.now += 1000;
    pacer.observe({ sentAt: time.now, status: 429, waitMs: 100 }); // measured 4 calls / 1.1 s
    const measured = pacer.measuredRps!;
    for (let call = 0; call < 20; call += 1) {
      time.now += 2000;
      pacer.observe({ sentAt: time.now, status: 429, waitMs: 1000 });
    }
    expect(pacer.rate).toBeCloseTo(measured * 0.25);

    pacer.observe({ sentAt: time.now + 1000, status: 200 });
    pacer.observe({ sentAt: time.now + 2000, status: 200 });
    expect(pacer.rate).toBeCloseTo(measured * 0.9);
  });

  it('refuses a slot past the invocation deadline (less its reserve) without reserving it', async () => {
    const pacer = new AdaptivePacer(1);
    pacer.observe({ sentAt: Date.now(), status: 429, waitMs: 30_000 });
    pacer.setDeadline(Date.now() + 25_000);

    const refused = await pacer.take().catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(PacerPausedError);
    expect((refused as PacerPausedError).waitMs).toBeGreaterThan(29_000);
    expect(pacer.waitMs()).toBeLessThanOrEqual(30_000);
  });

  it('spaces calls one interval apart', async () => {
    const pacer = new AdaptivePacer(20);
    const startedAt = Date.now();
    for (let call = 0; call < 4; call += 1) await pacer.take();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
  });
});

describe('the endpoint of a call (method and path template)', () => {
  const base = 'https://api.openai.com/v1';
  it.each([
    ['POST', `${base}/organization/invites`, 'POST /organization/invites'],
    ['GET', `${base}/organization/invites?limit=100&after=invite-abc`, 'GET /organization/invites'],
    ['GET', `${base}/organization/invites/invite-abc`, 'GET /organization/invites/{id}'],
    ['delete', `${base}/organization/invites/invite-xyz`, 'DELETE /organization/invites/{id}'],
    ['GET', `${base}/organization/users?after=user-1`, 'GET /organization/users'],
    ['DELETE', `${base}/organization/users/user-abc`, 'DELETE /organization/users/{id}'],
    [
      'GET',
      `${base}/organization/projects/proj_a/users/user-b`,
      'GET /organization/projects/{id}/users/{id}',
    ],
    ['GET', 'http://127.0.0.1:4010/v1/organization/invites/inv%2Fodd', 'GET /organization/invites/{id}'],
  ])('%s %s → %s', (method, url, endpoint) => {
    expect(endpointOf({ method, url })).toBe(endpoint);
  });
});

describe('EndpointPacers', () => {
  const base = 'http://upstream/v1/organization';
  const list = { method: 'GET', url: `${base}/invites?limit=100` };
  const create = { method: 'POST', url: `${base}/invites` };

  it('keeps one pacer per endpoint: a 429 on the list neither pauses nor slows the creates', () => {
    const { time, now } = clock();
    const pacers = new EndpointPacers(10, { now });

    pacers.for(list).observe({ sentAt: time.now, status: 429, waitMs: 6_937 });

    expect(pacers.for({ ...list, url: `${base}/invites?after=invite-9` })).toBe(pacers.for(list));
    expect(pacers.for(list).rate).toBe(5);
    expect(pacers.for(list).waitMs()).toBe(6_937);
    expect(pacers.for(create).rate).toBe(10);
    expect(pacers.for(create).waitMs()).toBe(0);
    expect(pacers.for({ method: 'DELETE', url: `${base}/invites/invite-1` }).waitMs()).toBe(0);
    // A throttled record waits until every endpoint it may need takes calls again.
    expect(pacers.waitMs()).toBe(6_937);
    expect(pacers.entries().map(([endpoint]) => endpoint)).toEqual([
      'GET /organization/invites',
      'POST /organization/invites',
      'DELETE /organization/invites/{id}',
    ]);
  });

  it("gives every endpoint the invocation's deadline, those made later too", async () => {
    const pacers = new EndpointPacers(1);
    pacers.setDeadline(Date.now() + 10_000);
    pacers.for(create).observe({ sentAt: Date.now(), status: 429, waitMs: 30_000 });

    await expect(pacers.for(create).take()).rejects.toBeInstanceOf(PacerPausedError);
    await expect(pacers.for(list).take()).resolves.toBeUndefined(); // made after setDeadline
    pacers.for(list).observe({ sentAt: Date.now(), status: 429, waitMs: 30_000 });
    await expect(pacers.for(list).take()).rejects.toBeInstanceOf(PacerPausedError);

    pacers.setDeadline(undefined);
    expect(pacers.for(list).waitMs()).toBeGreaterThan(29_000);
  });
});

describe('pacedFetch', () => {
  it("reads a 429's wait from retry-after-ms, else from its message, and tells that endpoint's pacer", async () => {
    const pacers = new EndpointPacers(10);
    const answers = [
      new Response('{}', { status: 429, headers: { 'retry-after-ms': '1500' } }),
      new Response(JSON.stringify({ error: { message: 'Please try again after 3.25 seconds.' } }), {
        status: 429,
      }),
    ];
    const fetch = pacedFetch(pacers, async () => answers.shift()!);
    const url = 'http://upstream/v1/organization/invites';
    const creates = pacers.for({ method: 'POST', url });

    await fetch(url, { method: 'POST' });
    expect(creates.waitMs()).toBeGreaterThan(1_400);
    const response = await fetch(`${url}/invite-abc`, { method: 'DELETE' });

    const deletes = pacers.for({ method: 'DELETE', url: `${url}/invite-def` });
    expect(deletes.waitMs()).toBeGreaterThan(3_100);
    expect(creates.waitMs()).toBeLessThanOrEqual(1_500);
    expect(pacers.for({ method: 'GET', url }).waitMs()).toBe(0);
    // The client still reads the body it was given.
    expect(await response.json()).toEqual({ error: { message: 'Please try again after 3.25 seconds.' } });
  });
});
