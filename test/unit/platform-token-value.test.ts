/** How a value the platform stores becomes a token and a life (TOKEN_SOURCE=platform). */
import { describe, expect, it } from 'vitest';
import { decodePlatformValue, readInstant } from '../../src/tokens/platform-token-reader.js';
import { TokenSourceError } from '../../src/tokens/token-source-error.js';

const layout = { tokenField: 'authorizer_access_token', expiresAtField: 'expires_at' };
const now = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('readInstant', () => {
  it('reads epoch seconds and milliseconds, as numbers or digits', () => {
    expect(readInstant(1_790_000_000)).toBe(1_790_000_000_000);
    expect(readInstant(1_790_000_000_123)).toBe(1_790_000_000_123);
    expect(readInstant('1790000000')).toBe(1_790_000_000_000);
  });

  it('reads ISO-8601 date-times, and nothing else', () => {
    expect(readInstant('2026-11-30T14:00:00+08:00')).toBe(Date.UTC(2026, 10, 30, 6, 0, 0));
    expect(readInstant('soon')).toBeUndefined();
    expect(readInstant(undefined)).toBeUndefined();
    expect(readInstant(-5)).toBeUndefined();
  });
});

describe('decodePlatformValue', () => {
  it('takes a raw value as the token, with no life of its own', () => {
    expect(decodePlatformValue('  78_abcDEF-ghi  ', layout, 'key k', now)).toEqual({ token: '78_abcDEF-ghi', expiresAt: undefined });
  });

  it('takes the token from the configured field, and its expiry from the expiry field', () => {
    const raw = JSON.stringify({ access_token: 'tok', expire_time: 1_790_000_000 });
    expect(decodePlatformValue(raw, { tokenField: 'access_token', expiresAtField: 'expire_time' }, 'key k', now)).toEqual({ token: 'tok', expiresAt: 1_790_000_000_000 });
  });

  it('honours a relative expires_in only from a token service, and takes the earlier of two expiries', () => {
    const raw = JSON.stringify({ authorizer_access_token: 'tok', expires_in: 7200, expires_at: (now + 60_000) / 1000 });
    expect(decodePlatformValue(raw, layout, 'url u', now, true).expiresAt).toBe(now + 60_000);
    expect(decodePlatformValue(JSON.stringify({ authorizer_access_token: 'tok', expires_in: 7200 }), layout, 'key k', now).expiresAt).toBeUndefined();
    expect(decodePlatformValue(JSON.stringify({ authorizer_access_token: 'tok', expires_in: 7200 }), layout, 'url u', now, true).expiresAt).toBe(now + 7_200_000);
  });

  it('refuses a record without the token field, naming the place and the variable, never the value', () => {
    const refuse = () => decodePlatformValue(JSON.stringify({ token: 'secret-value-9f8e' }), layout, 'key wxa:token:wx1', now);
    expect(refuse).toThrow(TokenSourceError);
    expect(refuse).toThrow(`The platform's value at key wxa:token:wx1 has no token in its "authorizer_access_token" field; set PLATFORM_TOKEN_FIELD to the field that holds it.`);
  });

  it('refuses broken JSON and text that is no token, without quoting either', () => {
    expect(() => decodePlatformValue('{"authorizer_access_token": "secret-', layout, 'key k', now)).toThrow(/^The platform's value at key k starts like a JSON object but is not valid JSON\.$/);
    expect(() => decodePlatformValue('two words', layout, 'key k', now)).toThrow(/^The platform's value at key k is neither a token nor a JSON object\.$/);
  });
});
