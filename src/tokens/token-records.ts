/**
 * The one owner of the token records in the store: the verify ticket, the component and
 * authorizer access tokens, the refresh tokens, the failure markers of refreshes and the
 * locks that guard them. Every read and write of them goes through here: the token cache,
 * the event receiver, the CLI and recovery ask this module rather than the store, so each
 * record has one writer with one set of rules:
 *
 * - irreplaceable records (refresh tokens, the ticket) are written without a TTL, and a
 *   refresh token is never overwritten blindly: set-if-absent, or compare-and-set, except
 *   by an authorization, which is by definition the newest;
 * - an access token is written with the life WeChat gave it and refreshed at
 *   TOKEN_REFRESH_AT_PERCENT of it, however it arrived (a mint or an authorization);
 * - an access token is dropped only while it is still the one that failed (compare-and-delete);
 * - a refresh token WeChat handed over is never thrown away for want of a replica's
 *   acknowledgement: the master holds it and the store has logged the write, while failing
 *   would lose a token the merchant cannot get back without re-authorizing.
 */
import { type KeyValueStore, acceptUnacknowledged } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import type { MintedToken } from '../wechat/component-api.js';
import { type BackoffPolicy, type RecordedFailure, decodeFailure, recordFailure } from './refresh-failure.js';
import { type StoredTicket, decodeTicket, encodeTicket } from './ticket-record.js';
import { type TokenRecord, decodeTokenRecord, encodeTokenRecord, newTokenRecord } from './token-record.js';

export interface TokenRecordsOptions {
  readonly store: KeyValueStore;
  readonly keys: StoreKeys;
  /** TOKEN_REFRESH_AT_PERCENT / 100: when every stored access token is refreshed ahead. */
  readonly refreshAtFraction: number;
}

/** A durable write's own answer, or `made` when it was made but no replica acknowledged it in time. */
function kept<T>(write: Promise<T>, made: T): Promise<T> {
  return write.catch((error: unknown) => {
    acceptUnacknowledged(error);
    return made;
  });
}

export class TokenRecords {
  private readonly store: KeyValueStore;
  private readonly keys: StoreKeys;

  constructor(private readonly options: TokenRecordsOptions) {
    this.store = options.store;
    this.keys = options.keys;
  }

  /** The record of the component access token. */
  get componentTokenKey(): string {
    return this.keys.componentToken;
  }

  /** The record of an authorizer's access token. */
  authorizerTokenKey(authorizerAppId: string): string {
    return this.keys.authorizerToken(authorizerAppId);
  }

  /** What the lock of a ticket request guards. */
  get ticketKey(): string {
    return this.keys.componentTicket;
  }

  /** What the lock and the rate marker of an api_get_authorizer_list pass guard. */
  get authorizerListKey(): string {
    return this.keys.authorizerListPass;
  }

  /** 'component' or 'authorizer', for metrics and spans. */
  kindOf(key: string): 'component' | 'authorizer' {
    return key === this.keys.componentToken ? 'component' : 'authorizer';
  }

  /** A record's name without the prefix, for logs: it names the authorizer, never a token. */
  describe(key: string): string {
    return key.slice(this.keys.prefix.length);
  }

  // The component_verify_ticket.

  async ticket(): Promise<StoredTicket | undefined> {
    return decodeTicket(await this.store.get(this.keys.componentTicket));
  }

  /** A pushed ticket: durable, with the instant it arrived; a mint refused for the previous ticket deserves a try at once. */
  async storeTicket(ticket: string, receivedAt = Date.now()): Promise<void> {
    await this.store.set(this.keys.componentTicket, encodeTicket(ticket, receivedAt));
    await this.clearFailure(this.keys.componentToken);
  }

  // Refresh tokens: durable, never a TTL.

  refreshToken(authorizerAppId: string): Promise<string | undefined> {
    return this.store.get(this.keys.refreshToken(authorizerAppId));
  }

  /** Whether a refresh token is stored for the authorizer, and whether it is `candidate` (never the token itself). */
  async refreshTokenState(authorizerAppId: string, candidate?: string): Promise<{ stored: boolean; same: boolean }> {
    const stored = await this.refreshToken(authorizerAppId);
    return { stored: stored !== undefined, same: stored !== undefined && stored === candidate };
  }

  /** An authorization's refresh token, or an operator's `--replace`: the newest there is, so it replaces what is stored. Says what it replaced. */
  async storeRefreshToken(authorizerAppId: string, refreshToken: string): Promise<'stored' | 'unchanged' | 'replaced'> {
    const key = this.keys.refreshToken(authorizerAppId);
    const previous = await this.store.get(key);
    await kept(this.store.set(key, refreshToken), true);
    if (previous === undefined) return 'stored';
    return previous === refreshToken ? 'unchanged' : 'replaced';
  }

  /** Stores `refreshToken` unless another is stored already (set-if-absent); returns whether it is now the stored one. */
  async storeRefreshTokenIfAbsent(authorizerAppId: string, refreshToken: string): Promise<boolean> {
    const key = this.keys.refreshToken(authorizerAppId);
    if (await kept(this.store.set(key, refreshToken, { onlyIfAbsent: true }), true)) return true;
    return (await this.store.get(key)) === refreshToken;
  }

  /** Recovery: writes the refresh token only where none is stored (set-if-absent); returns whether it wrote it. */
  restoreRefreshToken(authorizerAppId: string, refreshToken: string): Promise<boolean> {
    return kept(this.store.set(this.keys.refreshToken(authorizerAppId), refreshToken, { onlyIfAbsent: true }), true);
  }

  /** Replaces `expected` with `next` only if `expected` is still the stored one (compare-and-set); returns whether it did. */
  replaceRefreshToken(authorizerAppId: string, expected: string, next: string): Promise<boolean> {
    return kept(this.store.compareAndSet(this.keys.refreshToken(authorizerAppId), expected, next), true);
  }

  // Access tokens: the life WeChat gave them, refreshed ahead at TOKEN_REFRESH_AT_PERCENT.

  async accessToken(key: string): Promise<TokenRecord | undefined> {
    return decodeTokenRecord(await this.store.get(key));
  }

  /** Stores a fresh token, minted or brought by an authorization, and ends the back-off of its record. */
  async storeAccessToken(key: string, minted: MintedToken): Promise<TokenRecord> {
    const record = newTokenRecord(minted.token, minted.expiresInSeconds, this.options.refreshAtFraction);
    await this.store.set(key, encodeTokenRecord(record), { ttlMs: record.expiresAt - Date.now() });
    await this.clearFailure(key);
    return record;
  }

  /** Forgets `token` if it is still the stored one (compare-and-delete); returns whether it did. */
  async dropAccessToken(key: string, token: string): Promise<boolean> {
    const raw = await this.store.get(key);
    if (raw === undefined || decodeTokenRecord(raw)?.token !== token) return false;
    return this.store.compareAndDelete(key, raw);
  }

  // Failure markers: a failed refresh, remembered for a back-off shared by every replica.

  async failure(key: string): Promise<RecordedFailure | undefined> {
    return decodeFailure(await this.store.get(this.keys.failure(key)));
  }

  /** Records the failure, kept past its back-off so the next one doubles; errors that are not WeChat's are not remembered. */
  async rememberFailure(key: string, error: unknown, policy: BackoffPolicy, previousCount?: number): Promise<void> {
    const count = previousCount ?? (await this.failure(key).catch(() => undefined))?.count ?? 0;
    const failure = recordFailure(error, count, policy);
    if (!failure) return;
    await this.store.set(this.keys.failure(key), JSON.stringify(failure), { ttlMs: failure.until - Date.now() + policy.maxMs }).catch(() => undefined);
  }

  clearFailure(key: string): Promise<void> {
    return this.store.delete(this.keys.failure(key));
  }

  // Locks: one holder across replicas (SET NX PX with an owner), renewed and released only by it.

  takeLock(guarded: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.store.set(this.keys.lock(guarded), owner, { ttlMs, onlyIfAbsent: true });
  }

  renewLock(guarded: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.store.compareAndExpire(this.keys.lock(guarded), owner, ttlMs);
  }

  releaseLock(guarded: string, owner: string): Promise<boolean> {
    return this.store.compareAndDelete(this.keys.lock(guarded), owner);
  }

  async lockHeld(guarded: string): Promise<boolean> {
    return (await this.store.get(this.keys.lock(guarded))) !== undefined;
  }

  /** Whether a replica read api_get_authorizer_list recently enough that reading it again is needless. */
  async authorizerListReadRecently(): Promise<boolean> {
    return (await this.store.get(this.keys.authorizerListPass)) !== undefined;
  }

  /** Records a pass over api_get_authorizer_list, for `ttlMs`. */
  markAuthorizerListRead(ttlMs: number): Promise<boolean> {
    return this.store.set(this.keys.authorizerListPass, new Date().toISOString(), { ttlMs });
  }

  // An authorizer as a whole.

  /** The authorizer revoked the authorization: WeChat no longer accepts its access token, so nobody should try it. */
  async dropAuthorizerAccess(authorizerAppId: string): Promise<void> {
    const key = this.keys.authorizerToken(authorizerAppId);
    await this.store.delete(key);
    await this.clearFailure(key);
  }

  /** No merchant uses the authorizer any more: its refresh token, access token and back-off go. */
  async forgetAuthorizer(authorizerAppId: string): Promise<void> {
    await this.store.delete(this.keys.refreshToken(authorizerAppId));
    await this.dropAuthorizerAccess(authorizerAppId);
  }
}
