/**
 * Refresh tokens recovered from WeChat instead of lost: api_get_authorizer_list lists every
 * account that authorizes the platform with its current refresh token, 500 a page. A pass
 * reads every page and writes, set-if-absent, the refresh token of each authorizer a
 * merchant is mapped to; a refresh token WeChat refused (61023) is replaced, by
 * compare-and-set, only when WeChat lists a different one. An entry listed without a
 * refresh token is skipped (the pass's log line counts them), never fatal to its page.
 * wechat_token_recoveries_total{record="refresh_token"} counts each refresh token written
 * (recovered) and each one asked for that the pass could not give (failed).
 *
 * Passes are scarce: one at a time in this process (single-flight) and across replicas (a
 * renewed lock in the store); none while another replica's pass is recent (a marker with a
 * TTL); and at most a small burst per replica, refilled slowly, so a store that keeps
 * losing its records (and the marker with them) cannot spend the endpoint's quota.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RecoveryTimings } from '../config/index.js';
import type { Metrics } from '../observability/metrics.js';
import { SingleFlight } from '../single-flight.js';
import { StoreUnavailableError } from '../store/key-value-store.js';
import { MAX_AUTHORIZER_LIST_COUNT } from '../wechat/component-api.js';
import type { RefreshTokenRecoverer } from './authorizer-tokens.js';
import type { ComponentTokens } from './component-tokens.js';
import { RecordLock } from './record-lock.js';
import type { TokenRecords } from './token-records.js';

/** After finding another replica's pass recent, this process does not look again for this long. */
const QUIET_AFTER_RECENT_PASS_MS = 10_000;

export interface RefreshTokenRecoveryOptions {
  readonly records: TokenRecords;
  readonly componentTokens: ComponentTokens;
  /** The authorizers some merchant is mapped to: only their refresh tokens are written. */
  readonly mappedAuthorizers: () => Promise<ReadonlySet<string>>;
  /** False while the store has lost its records and the registry is not seeded again yet: a pass then would miss merchants. */
  readonly storeIntact: () => Promise<boolean>;
  readonly timings: Pick<RecoveryTimings, 'listPassBurst' | 'listPassRefillMs'> & { readonly lockTtlMs: number; readonly pollMs: number };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export class RefreshTokenRecovery implements RefreshTokenRecoverer {
  private readonly passes = new SingleFlight<ReadonlyMap<string, string> | undefined>();
  private readonly lock: RecordLock;
  private passesLeft: number;
  private refilledAt = Date.now();
  private quietUntil = 0;

  constructor(private readonly options: RefreshTokenRecoveryOptions) {
    this.lock = new RecordLock(options.records, options.timings.lockTtlMs);
    this.passesLeft = options.timings.listPassBurst;
  }

  async recoverMissing(authorizerAppId: string, deadline: number): Promise<string | undefined> {
    const listed = await this.pass(deadline);
    const stored = await this.options.records.refreshToken(authorizerAppId);
    // A pass ran and WeChat lists nothing for it: the merchant never authorized, or withdrew.
    if (listed !== undefined && stored === undefined && !listed.has(authorizerAppId)) this.options.metrics.tokenRecoveries.inc({ record: 'refresh_token', outcome: 'failed' });
    return stored;
  }

  async cure(authorizerAppId: string, refused: string, deadline: number): Promise<string | undefined> {
    const { records, logger, metrics } = this.options;
    let pass: ReadonlyMap<string, string> | undefined;
    try {
      pass = await this.pass(deadline);
    } catch (error) {
      logger.warn({ authorizerAppId, err: (error as Error).message }, `WeChat refused the refresh token of ${authorizerAppId} (61023); api_get_authorizer_list could not be read for a newer one`);
      return undefined;
    }
    if (pass === undefined) {
      logger.warn({ authorizerAppId }, `WeChat refused the refresh token of ${authorizerAppId} (61023); api_get_authorizer_list was read recently, so it is not read again yet`);
      return undefined;
    }
    const listed = pass.get(authorizerAppId);
    if (listed === undefined || listed === refused) {
      metrics.tokenRecoveries.inc({ record: 'refresh_token', outcome: 'failed' });
      logger.warn({ authorizerAppId }, `WeChat refused the refresh token of ${authorizerAppId} (61023) and lists no newer one: the merchant must authorize again`);
      return undefined;
    }
    if (await records.replaceRefreshToken(authorizerAppId, refused, listed)) {
      metrics.tokenRecoveries.inc({ record: 'refresh_token', outcome: 'recovered' });
      logger.info({ authorizerAppId }, `the refresh token WeChat refused for ${authorizerAppId} (61023) was replaced by the newer one api_get_authorizer_list lists`);
      return listed;
    }
    // Replaced meanwhile (an authorization, another replica): what is stored now is newer than the refused one.
    const stored = await records.refreshToken(authorizerAppId);
    return stored !== refused ? stored : undefined;
  }

  /** A lost store loses the marker of recent passes too: a pass may run again at once, if the burst allows. */
  storeLost(): void {
    this.quietUntil = 0;
  }

  /** What WeChat lists (appid → refresh token), or undefined when no pass may run now. */
  private pass(deadline: number): Promise<ReadonlyMap<string, string> | undefined> {
    return this.passes.run('pass', () => this.passAcrossReplicas(deadline));
  }

  /**
   * A pass, under the lock, unless one ran recently (here or at another replica). Only a
   * pass that reached WeChat counts against the burst and marks the list read: one that
   * could not start (no ticket yet, the store away) fails with that error, and the next
   * caller may try again.
   */
  private async passAcrossReplicas(deadline: number): Promise<ReadonlyMap<string, string> | undefined> {
    const { records, timings } = this.options;
    if (!(await this.options.storeIntact())) throw new StoreUnavailableError('it has lost its records, and the registry is being seeded again');
    if (Date.now() < this.quietUntil || this.available() === 0) return this.otherReplicasPass(deadline);
    const attempt = await this.lock.tryHold(records.authorizerListKey, async () => {
      if (await records.authorizerListReadRecently()) return undefined;
      const spent = () => {
        this.passesLeft -= 1;
        return records.markAuthorizerListRead(timings.listPassRefillMs).catch(() => false);
      };
      return this.list(deadline, spent);
    });
    if (!attempt.held) return this.otherReplicasPass(deadline);
    // Held, but the list was read recently (here or elsewhere): do not ask the store again for a while.
    if (attempt.value === undefined) this.quietUntil = Date.now() + QUIET_AFTER_RECENT_PASS_MS;
    return attempt.value;
  }

  /** Waits for a pass another replica is making, if one is: what it writes is what this one would have. */
  private async otherReplicasPass(deadline: number): Promise<undefined> {
    const { records, timings } = this.options;
    while (Date.now() < deadline && (await records.lockHeld(records.authorizerListKey).catch(() => false))) await sleep(timings.pollMs * 4);
    return undefined;
  }

  /** Every page, then the writes: set-if-absent for the mapped authorizers. `spent` runs once, as the first page is asked for. */
  private async list(deadline: number, spent: () => Promise<unknown>): Promise<ReadonlyMap<string, string>> {
    const { records, componentTokens, mappedAuthorizers, logger, metrics } = this.options;
    const api = componentTokens.api;
    const listed = new Map<string, string>();
    const withoutRefreshToken: string[] = [];
    let pages = 0;
    let marked = false;
    for (let offset = 0, total = 1; offset < total; pages += 1) {
      const page = await componentTokens.withComponentToken(async (token) => {
        if (!marked) await spent();
        marked = true;
        return api.authorizerList(token, offset, MAX_AUTHORIZER_LIST_COUNT, deadline);
      }, deadline);
      for (const entry of page.authorizers) listed.set(entry.authorizerAppId, entry.refreshToken);
      withoutRefreshToken.push(...page.withoutRefreshToken);
      const seen = page.authorizers.length + page.withoutRefreshToken.length;
      total = page.totalCount;
      if (seen === 0) break;
      offset += seen;
    }
    const mapped = await mappedAuthorizers();
    const recovered: string[] = [];
    for (const appId of mapped) {
      const refreshToken = listed.get(appId);
      if (refreshToken !== undefined && (await records.restoreRefreshToken(appId, refreshToken))) recovered.push(appId);
    }
    const unrecoverable = withoutRefreshToken.filter((appId) => mapped.has(appId));
    if (recovered.length > 0) metrics.tokenRecoveries.inc({ record: 'refresh_token', outcome: 'recovered' }, recovered.length);
    logger.info(
      { pages, listed: listed.size, recovered, withoutRefreshToken: withoutRefreshToken.length, unrecoverable },
      `api_get_authorizer_list pass: ${recovered.length} missing refresh token(s) recovered` +
        (withoutRefreshToken.length > 0 ? `; ${withoutRefreshToken.length} account(s) listed without a refresh token, skipped` : ''),
    );
    return listed;
  }

  /** Passes this replica may start now: the burst, refilled one per listPassRefillMs. */
  private available(): number {
    const { listPassBurst, listPassRefillMs } = this.options.timings;
    const refills = Math.floor((Date.now() - this.refilledAt) / listPassRefillMs);
    if (refills > 0) {
      this.passesLeft = Math.min(listPassBurst, this.passesLeft + refills);
      this.refilledAt += refills * listPassRefillMs;
    }
    return this.passesLeft;
  }
}
