/**
 * How a cached token is kept in the store: the token with the instants it should be
 * refreshed and it expires. Refreshing at ~85% of its life (TOKEN_REFRESH_AT_PERCENT) means
 * callers never hold a token WeChat is about to expire, and a slow refresh still has time
 * to finish.
 */
export interface TokenRecord {
  readonly token: string;
  /** Epoch ms after which one caller refreshes while the others keep using this token. */
  readonly refreshAt: number;
  /** Epoch ms WeChat stops accepting the token. */
  readonly expiresAt: number;
}

/** `refreshAtFraction`: the configured share of the token's life (TOKEN_REFRESH_AT_PERCENT / 100). */
export function newTokenRecord(token: string, expiresInSeconds: number, refreshAtFraction: number, now = Date.now()): TokenRecord {
  const lifetimeMs = expiresInSeconds * 1000;
  return { token, refreshAt: now + lifetimeMs * refreshAtFraction, expiresAt: now + lifetimeMs };
}

export function encodeTokenRecord(record: TokenRecord): string {
  return JSON.stringify(record);
}

/** Undefined for a missing or unreadable value: it is refreshed, not trusted. */
export function decodeTokenRecord(raw: string | undefined): TokenRecord | undefined {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<TokenRecord>;
    if (typeof value.token === 'string' && typeof value.refreshAt === 'number' && typeof value.expiresAt === 'number') {
      return { token: value.token, refreshAt: value.refreshAt, expiresAt: value.expiresAt };
    }
  } catch {
    // fall through: an unreadable record is treated as absent
  }
  return undefined;
}
