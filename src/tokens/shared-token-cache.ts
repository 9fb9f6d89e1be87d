/**
 * Tokens cached in the shared store and refreshed by exactly one caller at a time:
 *
 * - served from the store until ~85% of their life; after that one caller refreshes in
 *   the background while the others keep using the still-valid token;
 * - single-flight in this process (one promise per key) and across replicas (a store lock,
 *   SET NX PX with an owner token, released only by its owner); a replica that finds the
 *   lock taken waits briefly for the new token instead of minting its own, which would
 *   invalidate everyone else's;
 * - invalidated by compare-and-delete, so a token another replica already replaced is
 *   never thrown away;
 * - a failed refresh is remembered for a doubling back-off, shared through the store; so
 *   is a token WeChat rejected although it was just minted (refreshing again would not
 *   help, and would burn the quota).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { TokenTimings } from '../config/index.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import type { MintedToken } from '../wechat/component-api.js';
import { type Metrics, unobserved } from '../observability/metrics.js';
import { inSpan } from '../observability/tracing.js';
import { SingleFlight } from '../single-flight.js';
import { decodeFailure, recordFailure, replayFailure } from './refresh-failure.js';
import { TokenSourceError } from './token-source-error.js';
import { type TokenRecord, decodeTokenRecord, encodeTokenRecord, newTokenRecord } from './token-record.js';

export interface SharedTokenCacheOptions {
  readonly store: KeyValueStore;
  readonly keys: StoreKeys;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** When to refresh ahead, how a failed refresh backs off, the lock's timings: config's tokens. */
  readonly timings: TokenTimings;
}

export class SharedTokenCache {
  private readonly flights: SingleFlight<string>;
  private readonly timings: TokenTimings;
  private readonly metrics: Metrics;

  constructor(private readonly options: SharedTokenCacheOptions) {
    this.metrics = options.metrics ?? unobserved();
    this.timings = options.timings;
    this.flights = new SingleFlight({ onJoin: () => this.metrics.singleFlightJoins.inc({ kind: 'token' }) });
  }

  /** A current token for `key`, minting one with `mint` only when no caller anywhere already is. */
  async get(key: string, mint: () => Promise<MintedToken>): Promise<string> {
    const record = decodeTokenRecord(await this.options.store.get(key));
    const now = Date.now();
    if (record && now < record.refreshAt) return record.token;
    if (record && now < record.expiresAt) {
      // Refresh ahead: this caller keeps the valid token; the refresh's failure is logged, and
      // the next caller past expiry meets it.
      this.refresh(key, mint, record.token).catch((error: unknown) =>
        this.options.logger.warn({ err: (error as Error).message, key: this.describe(key) }, 'refresh ahead of expiry failed'),
      );
      return record.token;
    }
    return this.refresh(key, mint, record?.token);
  }

  /**
   * WeChat rejected `token`: forget it, unless it has already been replaced. With
   * `rejection`, even a freshly minted token was refused: the next refresh backs off and
   * answers with that error instead of minting again at once.
   */
  async invalidate(key: string, token: string, rejection?: unknown): Promise<boolean> {
    const raw = await this.options.store.get(key);
    if (raw === undefined || decodeTokenRecord(raw)?.token !== token) return false;
    const removed = await this.options.store.compareAndDelete(key, raw);
    if (removed && rejection !== undefined) await this.rememberFailure(key, rejection);
    return removed;
  }

  /** One refresh per key in this process; other callers join it. */
  private refresh(key: string, mint: () => Promise<MintedToken>, stale: string | undefined): Promise<string> {
    return this.flights.run(key, () => this.refreshAcrossReplicas(key, mint, stale));
  }

  private async refreshAcrossReplicas(key: string, mint: () => Promise<MintedToken>, stale: string | undefined): Promise<string> {
    const { store, keys } = this.options;
    const deadline = Date.now() + this.timings.lock.waitMs;
    for (;;) {
      const failure = decodeFailure(await store.get(keys.failure(key)));
      if (failure && Date.now() < failure.until) throw replayFailure(failure);

      const owner = randomUUID();
      if (await store.set(keys.lock(key), owner, { ttlMs: this.timings.lock.ttlMs, onlyIfAbsent: true })) {
        try {
          return await this.mintUnderLock(key, mint, stale, failure?.count ?? 0);
        } finally {
          await this.releaseLock(keys.lock(key), owner);
        }
      }
      // Another replica is refreshing: wait for its token rather than minting a rival one.
      while (Date.now() < deadline) {
        await sleep(this.timings.lock.pollMs);
        const fresh = this.usable(decodeTokenRecord(await store.get(key)), stale);
        if (fresh) return fresh.token;
        if ((await store.get(keys.lock(key))) === undefined) break;
      }
      if (Date.now() >= deadline) {
        throw new TokenSourceError('refresh-timeout', `Another replica is refreshing the token for ${this.describe(key)} and no fresh token arrived within ${this.timings.lock.waitMs} ms.`);
      }
    }
  }

  private async mintUnderLock(key: string, mint: () => Promise<MintedToken>, stale: string | undefined, failures: number): Promise<string> {
    const { store, keys, logger } = this.options;
    // Another replica may have refreshed between our read and taking the lock.
    const current = decodeTokenRecord(await store.get(key));
    const fresh = this.usable(current, stale);
    if (fresh && Date.now() < fresh.refreshAt) return fresh.token;

    const kind = key.startsWith(this.options.keys.componentToken) ? 'component' : 'authorizer';
    let minted: MintedToken;
    try {
      minted = await inSpan('wechat token refresh', { 'wechat.token_kind': kind }, mint);
    } catch (error) {
      this.metrics.tokenRefreshes.inc({ kind, outcome: 'failed' });
      await this.rememberFailure(key, error, failures);
      throw error;
    }
    this.metrics.tokenRefreshes.inc({ kind, outcome: 'minted' });
    const record = newTokenRecord(minted.token, minted.expiresInSeconds, this.timings.refreshAtFraction);
    await store.set(key, encodeTokenRecord(record), { ttlMs: record.expiresAt - Date.now() });
    if (failures > 0) await store.delete(keys.failure(key));
    logger.info({ key: this.describe(key), expiresInSeconds: minted.expiresInSeconds }, 'token refreshed');
    return minted.token;
  }

  /**
   * Releases our lock; if the store is unreachable just now, keeps trying in the background
   * until the lock would have expired anyway, so an outage mid-refresh cannot leave every
   * replica waiting on a refresh nobody is doing (a persisted lock survives a Redis restart).
   */
  private async releaseLock(lockKey: string, owner: string): Promise<void> {
    const { store } = this.options;
    if (await store.compareAndDelete(lockKey, owner).then(() => true, () => false)) return;
    const giveUpAt = Date.now() + this.timings.lock.ttlMs;
    const retry = setInterval(() => {
      if (Date.now() > giveUpAt) return clearInterval(retry);
      store.compareAndDelete(lockKey, owner).then(() => clearInterval(retry), () => undefined);
    }, 250);
    retry.unref();
  }

  /** Records the failure for a back-off; kept past its end so the next failure's back-off doubles. */
  private async rememberFailure(key: string, error: unknown, previous?: number): Promise<void> {
    const { store, keys } = this.options;
    const count = previous ?? decodeFailure(await store.get(keys.failure(key)).catch(() => undefined))?.count ?? 0;
    const failure = recordFailure(error, count, this.timings.refreshBackoff);
    if (!failure) return;
    await store.set(keys.failure(key), JSON.stringify(failure), { ttlMs: failure.until - Date.now() + this.timings.refreshBackoff.maxMs }).catch(() => undefined);
  }

  /** A record that is not the stale token and has not expired. */
  private usable(record: TokenRecord | undefined, stale: string | undefined): TokenRecord | undefined {
    return record && record.token !== stale && Date.now() < record.expiresAt ? record : undefined;
  }

  /** The key without the prefix, for logs: it names the authorizer, never a token. */
  private describe(key: string): string {
    return key.slice(this.options.keys.prefix.length);
  }
}
