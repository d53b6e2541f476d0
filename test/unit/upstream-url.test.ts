/**
 * Issue 29, item 1: the Admin key goes only to the upstream the product was configured for.
 * `INVITES_UPSTREAM_URL` (https unless loopback) is read; `OPENAI_BASE_URL`, which the official SDK
 * and OpenAI-compatible proxies also read, is not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../lib/commons/errors';
import { isLoopbackHost } from '../../lib/commons/env';
import { DEFAULT_OPENAI_BASE_URL, OpenAIInvitesClient } from '../../lib/openai/client';
import { readClientConfig } from '../../lib/openai/config';
import { StaticAdminKey } from '../../lib/secrets/admin-key';

describe('the upstream URL', () => {
  afterEach(() => {
    delete process.env.OPENAI_BASE_URL;
  });

  it('is never OPENAI_BASE_URL', () => {
    // Prepare: a shell set up for the SDK, pointing it at a local proxy.
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:3795/v1' };

    // Act
    const config = readClientConfig(env);

    // Assess
    expect(config.baseUrl).toBe(DEFAULT_OPENAI_BASE_URL);
  });

  it('is not taken from OPENAI_BASE_URL by a client built without one', () => {
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:3795/v1';

    const client = new OpenAIInvitesClient({ adminKey: new StaticAdminKey('sk-admin-test') });

    expect(client.baseUrl).toBe(DEFAULT_OPENAI_BASE_URL);
  });

  it.each([
    'https://api.openai.com/v1',
    'https://proxy.example.com/openai/v1/',
    'http://127.0.0.1:3001/v1',
    'http://127.8.9.10:3001/v1',
    'http://localhost:3001/v1',
    'http://[::1]:3001/v1',
  ])('accepts %s from INVITES_UPSTREAM_URL', (url) => {
    expect(readClientConfig({ INVITES_UPSTREAM_URL: url }).baseUrl).toBe(url.replace(/\/+$/, ''));
  });

  it.each([
    'http://api.openai.com/v1',
    'http://10.0.0.5:3001/v1',
    'http://localhost.attacker.example/v1',
    'http://127.0.0.1.nip.io/v1',
    'ftp://127.0.0.1/v1',
    'https://user:secret@api.openai.com/v1',
  ])('refuses %s: the key would travel in clear text, or somewhere unexpected', (url) => {
    expect(() => readClientConfig({ INVITES_UPSTREAM_URL: url })).toThrow(ConfigurationError);
  });

  it('knows a loopback host from a name that only starts like one', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.example.com')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });
});
