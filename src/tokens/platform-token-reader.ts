/**
 * TOKEN_SOURCE=platform: the seam to wherever the platform keeps its authorizer tokens
 * (its Redis, or its token service), and how a stored value becomes a token and a life.
 * Readers only read: nothing here mints, refreshes or writes a token.
 */
import { TokenSourceError } from './token-source-error.js';

/** A token the platform holds, with the instant it expires when the platform says. */
export interface PlatformToken {
  readonly token: string;
  /** Epoch ms; undefined when neither a TTL nor an expiry field says. */
  readonly expiresAt: number | undefined;
}

export interface PlatformTokenReader {
  /** The authorizer's token, or undefined when the platform holds none (no key, or 404). */
  read(authorizerAppId: string): Promise<PlatformToken | undefined>;
  /** Where the authorizer's token is read from, for messages: a key or a URL without its query, never a secret. */
  describe(authorizerAppId: string): string;
  /** The same for every authorizer: the key or URL template, without a query. */
  readonly where: string;
  /** Resolves when the platform answers; rejects saying why not (for /readyz). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface RecordLayout {
  /** The JSON field holding the token (PLATFORM_TOKEN_FIELD). */
  readonly tokenField: string;
  /** The JSON field holding the instant it expires (PLATFORM_TOKEN_EXPIRES_AT_FIELD). */
  readonly expiresAtField: string;
}

/** A token as WeChat issues them: printable ASCII without spaces or quotes. */
const TOKEN_TEXT = /^[\x21\x23-\x7e]{1,2048}$/;

/**
 * An instant as platforms write them: epoch seconds or milliseconds (a number, or digits
 * in a string; below 10^12 reads as seconds), or an ISO-8601 date-time. Undefined otherwise.
 */
export function readInstant(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return readInstant(Number(value));
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * Reads what the platform stores: the raw token, or a JSON object holding it in
 * `layout.tokenField`, with an optional absolute expiry in `layout.expiresAtField` and, from
 * a token service, a relative `expires_in` in seconds. `where` names the place for errors;
 * the value itself never reaches a message.
 */
export function decodePlatformValue(raw: string, layout: RecordLayout, where: string, now = Date.now(), relativeExpiresIn = false): PlatformToken {
  const text = raw.trim();
  if (!text.startsWith('{')) {
    if (!TOKEN_TEXT.test(text)) throw unreadable(where, 'is neither a token nor a JSON object');
    return { token: text, expiresAt: undefined };
  }
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw unreadable(where, 'starts like a JSON object but is not valid JSON');
  }
  const token = record[layout.tokenField];
  if (typeof token !== 'string' || !TOKEN_TEXT.test(token)) {
    throw unreadable(where, `has no token in its "${layout.tokenField}" field; set PLATFORM_TOKEN_FIELD to the field that holds it`);
  }
  const expiries = [readInstant(record[layout.expiresAtField])];
  const expiresIn = record['expires_in'];
  // 0 or less: the platform is handing out a token it knows has expired.
  if (relativeExpiresIn && typeof expiresIn === 'number' && Number.isFinite(expiresIn)) expiries.push(now + expiresIn * 1000);
  return { token, expiresAt: earliest(expiries) };
}

/** The earliest of the instants given, or undefined when none is. */
export function earliest(instants: ReadonlyArray<number | undefined>): number | undefined {
  let soonest: number | undefined;
  for (const instant of instants) if (instant !== undefined && (soonest === undefined || instant < soonest)) soonest = instant;
  return soonest;
}

function unreadable(where: string, problem: string): TokenSourceError {
  return new TokenSourceError('platform-unreadable', `The platform's value at ${where} ${problem}.`);
}
