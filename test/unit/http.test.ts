import { describe, expect, it } from 'vitest';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../lib/http/errors';
import { headerValue, MAX_INVITE_BODY_BYTES, readJsonBody } from '../../lib/http/messages';
import { toProxyEvent } from '../../local/proxy-event';

const post = (
  body: string | Buffer,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  base64 = false,
) =>
  toProxyEvent(
    { method: 'POST', path: '/organization/invites', headers, body, base64 },
    { path: '/organization/invites' },
    null,
  );

describe('headerValue', () => {
  it('finds a header whatever the case of its name', () => {
    expect(headerValue({ 'CONTENT-type': 'application/json' }, 'Content-Type')).toBe('application/json');
    expect(headerValue(null, 'content-type')).toBeUndefined();
  });
});

describe('readJsonBody', () => {
  it('parses a JSON body', () => {
    expect(readJsonBody(post('{"email":"a@example.com"}'))).toEqual({ email: 'a@example.com' });
  });

  it('decodes a base64 body first', () => {
    expect(readJsonBody(post(Buffer.from('{"role":"reader"}'), undefined, true))).toEqual({ role: 'reader' });
  });

  it.each(['application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json'])(
    'accepts Content-Type %s',
    (contentType) => {
      expect(readJsonBody(post('{}', { 'content-type': contentType }))).toEqual({});
    },
  );

  it.each([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'])(
    'answers 415 to Content-Type %s',
    (contentType) => {
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      expect(() => readJsonBody(post('{}', headers))).toThrow(UnsupportedMediaTypeError);
    },
  );

  it('answers 413 past the limit, counting bytes not characters', () => {
    const fits = `{"a":"${'x'.repeat(MAX_INVITE_BODY_BYTES - 10)}"}`;
    const tooBig = `{"a":"${'é'.repeat(MAX_INVITE_BODY_BYTES / 2)}"}`;

    expect(() => readJsonBody(post(fits))).not.toThrow();
    expect(() => readJsonBody(post(tooBig))).toThrow(PayloadTooLargeError);
  });

  it.each([
    ['an empty body', '', 'missing_body'],
    ['broken JSON', '{"email": ', 'invalid_json'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_json'],
  ])('answers 400 to %s', (_case, body, code) => {
    expect(() => readJsonBody(post(body))).toThrow(InvalidRequestError);
    try {
      readJsonBody(post(body));
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code, param: null });
    }
  });
});
