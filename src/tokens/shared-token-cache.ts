/**
 * Tokens cached in the shared store and refreshed by exactly one caller at a time:
 *
 * - served from the store until TOKEN_REFRESH_AT_PERCENT of their life; after that one
 *   caller refreshes in the background while the others keep using the still-valid token;
 * - single-flight in this process (one promise per key) and across replicas (a store lock
 *   its holder renews while WeChat answers, and proves it still holds before storing: see
 *   record-lock.ts); a replica that finds the lock taken waits for the new token instead
 *   of minting its own, which would invalidate everyone else's;
 * - every WeChat call of a mint is given a deadline (the lock's mint budget, or the outer
 *   mint's when this one runs inside it), so no mint holds a lock for ever;
 * - invalidated by compare-and-delete, so a token another replica already replaced is
 *   never thrown away;
 * - a failed refresh is remembered for a doubling back-off, shared through the store; so
 *   is a token WeChat rejected although it was just minted (refreshing again would not
 *   help, and would burn the quota).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { TokenTimings } from '../config/index.js';
import type { MintedToken } from '../wechat/component-api.js';
import { type Metrics, unobserved } from '../observability/metrics.js';
import { inSpan } from '../observability/tracing.js';
import { SingleFlight } from '../single-flight.js';
import { type HeldLock, RecordLock } from './record-lock.js';
import { replayFailure } from './refresh-failure.js';
import { TokenSourceError } from './token-source-error.js';
import type { TokenRecord } from './token-record.js';
import type { TokenRecords } from './token-records.js';

export interface SharedTokenCacheOptions {
  readonly records: TokenRecords;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** When to refresh ahead, how a failed refresh backs off, the lock's timings: config's tokens. */
  readonly timings: Pick<TokenTimings, 'refreshBackoff' | 'lock'>;
}

/** Makes a token; every WeChat call it makes must end by `deadline` (epoch ms). */
export type Mint = (deadline: number) => Promise<MintedToken>;

/** The most a waiting caller sleeps between two looks at the store. */
const MAX_POLL_MS = 500;

export class SharedTokenCache {
  private readonly flights: SingleFlight<string>;
  private readonly metrics: Metrics;
  private readonly records: TokenRecords;
  private readonly lock: RecordLock;

  constructor(private readonly options: SharedTokenCacheOptions) {
    this.metrics = options.metrics ?? unobserved();
    this.records = options.records;
    this.lock = new RecordLock(options.records, options.timings.lock.ttlMs);
    this.flights = new SingleFlight({ onJoin: () => this.metrics.singleFlightJoins.inc({ kind: 'token' }) });
  }

  /**
   * A current token for `key`, minting one with `mint` only when no caller anywhere already
   * is. `deadline`: when this token is needed inside another mint, that mint's deadline.
   */
  async get(key: string, mint: Mint, deadline?: number): Promise<string> {
    const record = await this.records.accessToken(key);
    const now = Date.now();
    if (record && now < record.refreshAt) return record.token;
    if (record && now < record.expiresAt) {
      // Refresh ahead: this caller keeps the valid token; the refresh's failure is logged, and
      // the next caller past expiry meets it.
      this.refresh(key, mint, record.token, deadline).catch((error: unknown) =>
        this.options.logger.warn({ err: (error as Error).message, key: this.records.describe(key) }, 'refresh ahead of expiry failed'),
      );
      return record.token;
    }
    return this.refresh(key, mint, record?.token, deadline);
  }

  /**
   * WeChat rejected `token`: forget it, unless it has already been replaced. With
   * `rejection`, even a freshly minted token was refused: the next refresh backs off and
   * answers with that error instead of minting again at once.
   */
  async invalidate(key: string, token: string, rejection?: unknown): Promise<boolean> {
    const removed = await this.records.dropAccessToken(key, token);
    if (removed && rejection !== undefined) await this.records.rememberFailure(key, rejection, this.options.timings.refreshBackoff);
    return removed;
  }

  /**
   * Runs `produce` holding the lock of `key` (waiting for another replica's holder first),
   * and stores the token it brings (an authorization's first access token): a token WeChat
   * issued outside a mint is stored under the same lock and rules as a minted one. Gives
   * up with refresh-timeout when the lock is not had within `waitMs`.
   */
  async storeUnderLock<T extends MintedToken>(key: string, waitMs: number, produce: (deadline: number) => Promise<T>): Promise<T> {
    const waitUntil = Date.now() + waitMs;
    for (;;) {
      const attempt = await this.lock.tryHold(key, async (held) => {
        const produced = await produce(Date.now() + this.options.timings.lock.mintBudgetMs);
        // Fenced out, another replica holds the lock and stores the token it mints: it is no older than ours.
        if (await held.fence()) await this.records.storeAccessToken(key, produced);
        else this.options.logger.warn({ key: this.records.describe(key) }, 'the lock was lost while WeChat answered; its access token is not stored');
        return produced;
      });
      if (attempt.held) return attempt.value;
      if (Date.now() >= waitUntil) throw this.refreshTimeout(key, waitMs);
      await sleep(this.options.timings.lock.pollMs);
    }
  }

  /** One refresh per key in this process; other callers join it. */
  private refresh(key: string, mint: Mint, stale: string | undefined, deadline: number | undefined): Promise<string> {
    return this.flights.run(key, () => this.refreshAcrossReplicas(key, mint, stale, deadline));
  }

  private async refreshAcrossReplicas(key: string, mint: Mint, stale: string | undefined, outerDeadline: number | undefined): Promise<string> {
    const waitUntil = Math.min(Date.now() + this.options.timings.lock.waitMs, outerDeadline ?? Number.POSITIVE_INFINITY);
    for (;;) {
      const failure = await this.records.failure(key);
      if (failure && Date.now() < failure.until) throw replayFailure(failure);

      const attempt = await this.lock.tryHold(key, (held) => this.mintUnderLock(key, mint, stale, failure?.count ?? 0, held, outerDeadline));
      if (attempt.held && attempt.value !== undefined) return attempt.value;
      // Another replica is refreshing (or took over from us): wait for its token rather than minting a rival one.
      const fresh = await this.awaitOtherReplica(key, stale, waitUntil);
      if (fresh !== undefined) return fresh;
    }
  }

  /** The token another replica stores, or undefined once its lock is gone without one (then this caller tries). */
  private async awaitOtherReplica(key: string, stale: string | undefined, waitUntil: number): Promise<string | undefined> {
    for (let look = 0; Date.now() < waitUntil; look += 1) {
      await sleep(Math.min(this.options.timings.lock.pollMs * 2 ** Math.min(look, 10), MAX_POLL_MS, Math.max(1, waitUntil - Date.now())));
      const fresh = this.usable(await this.records.accessToken(key), stale);
      if (fresh) return fresh.token;
      if (!(await this.records.lockHeld(key))) return undefined;
    }
    throw this.refreshTimeout(key, this.options.timings.lock.waitMs);
  }

  /** Mints and stores the token; undefined when the lock was lost meanwhile, so the result is not ours to store. */
  private async mintUnderLock(key: string, mint: Mint, stale: string | undefined, failures: number, held: HeldLock, outerDeadline: number | undefined): Promise<string | undefined> {
    const { records, logger, timings } = this.options;
    // Another replica may have refreshed between our read and taking the lock.
    const fresh = this.usable(await records.accessToken(key), stale);
    if (fresh && Date.now() < fresh.refreshAt) return fresh.token;

    const kind = records.kindOf(key);
    const deadline = Math.min(Date.now() + timings.lock.mintBudgetMs, outerDeadline ?? Number.POSITIVE_INFINITY);
    let minted: MintedToken;
    try {
      minted = await inSpan('wechat token refresh', { 'wechat.token_kind': kind }, () => mint(deadline));
    } catch (error) {
      this.metrics.tokenRefreshes.inc({ kind, outcome: 'failed' });
      await records.rememberFailure(key, error, timings.refreshBackoff, failures);
      throw error;
    }
    this.metrics.tokenRefreshes.inc({ kind, outcome: 'minted' });
    if (!(await held.fence())) {
      // Paused past the lock's life, or cut off from the store: another replica may hold it and store its own.
      logger.warn({ key: records.describe(key) }, 'the refresh lock was lost while WeChat answered; the minted token is not stored');
      return undefined;
    }
    await records.storeAccessToken(key, minted);
    logger.info({ key: records.describe(key), expiresInSeconds: minted.expiresInSeconds }, 'token refreshed');
    return minted.token;
  }

  /** A record that is not the stale token and has not expired. */
  private usable(record: TokenRecord | undefined, stale: string | undefined): TokenRecord | undefined {
    return record && record.token !== stale && Date.now() < record.expiresAt ? record : undefined;
  }

  private refreshTimeout(key: string, waitedMs: number): TokenSourceError {
    return new TokenSourceError('refresh-timeout', `Another replica is refreshing the token for ${this.records.describe(key)} and no fresh token arrived within ${waitedMs} ms.`);
  }
}
