/**
 * What stands between the subgraph and a struggling WeChat, so trouble stays where it is:
 *
 * - a bounded pool of calls in flight, with a bounded queue behind it (excess fails at once);
 * - a lane of its own for the calls made for the platform (token endpoints, the ticket and
 *   authorizer-list recovery), so a queue of getEnvInfo calls can never starve a mint that
 *   holds a lock, nor the mints every getEnvInfo call waits for;
 * - a bulkhead: one authorizer holds at most a few of the pool's slots;
 * - per-authorizer back-off: an authorizer whose calls keep failing is held back on its own;
 * - one circuit per WeChat host, opened only by failures spread over many authorizers;
 * - WeChat's disaster-recovery host: while the primary's circuit is open, calls go there,
 *   and the primary is probed and taken back once it answers.
 *
 * A logical call (one call and its retries) is one outcome for the circuit and the back-off;
 * each attempt picks its host anew, so a retry can go to the fallback.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { ActiveAuthorizers } from './active-authorizers.js';
import { AuthorizerBackoff } from './authorizer-backoff.js';
import { AuthorizerBulkhead } from './authorizer-bulkhead.js';
import { WechatApiError, type WechatError, WechatTransportError } from './errors.js';
import { HostCircuit, type HostCircuitRule } from './host-circuit.js';
import { isAuthorizerTrouble, isCallMade, isUpstreamFailure } from './retry-policy.js';
import type { SharedHolds } from './shared-holds.js';

export interface UpstreamGuardOptions {
  /** The primary WeChat origin, then the disaster-recovery origin if there is one. */
  readonly baseUrls: readonly string[];
  /** Most calls in flight at once. */
  readonly maxConcurrency: number;
  /** Most calls in flight at once for one authorizer (the bulkhead). */
  readonly maxConcurrencyPerAuthorizer: number;
  /** Most calls waiting for a slot; one more fails with `overloaded`. */
  readonly maxQueue: number;
  /** How long a host's circuit stays open before one probe call is let through. */
  readonly resetMs: number;
  /** When a host's circuit opens. */
  readonly circuit: HostCircuitRule;
  /** Per-authorizer back-off: after the first failure, doubling up to the maximum. */
  readonly authorizerBackoff: { readonly baseMs: number; readonly maxMs: number; readonly shared?: { readonly holds: SharedHolds; readonly syncMs: number } };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface Upstream {
  readonly baseUrl: string;
  readonly circuit: HostCircuit;
}

/** Makes one attempt of a logical call, on the origin the guard picks for it. */
export type Attempt = <T>(call: (baseUrl: string) => Promise<T>) => Promise<T>;

/** Calls in flight at once in the platform's lane: a share of the pool, never fewer than 4. */
export function platformLaneSize(maxConcurrency: number): number {
  return Math.max(4, Math.ceil(maxConcurrency / 4));
}

export class UpstreamGuard {
  private readonly limit: LimitFunction;
  private readonly platformLimit: LimitFunction;
  private readonly bulkhead: AuthorizerBulkhead;
  readonly backoff: AuthorizerBackoff;
  private readonly active = new ActiveAuthorizers();
  private readonly upstreams: readonly Upstream[];
  private inUse: Upstream | undefined;

  constructor(private readonly options: UpstreamGuardOptions) {
    const { logger, metrics } = options;
    this.limit = pLimit(options.maxConcurrency);
    this.platformLimit = pLimit(platformLaneSize(options.maxConcurrency));
    this.bulkhead = new AuthorizerBulkhead(options.maxConcurrencyPerAuthorizer);
    this.backoff = new AuthorizerBackoff({ ...options.authorizerBackoff, logger, metrics });
    metrics.countActiveAuthorizersWith(() => this.active.count);
    this.upstreams = options.baseUrls.map((baseUrl) => ({
      baseUrl,
      circuit: new HostCircuit({
        ...options.circuit,
        host: new URL(baseUrl).host,
        resetMs: options.resetMs,
        logger,
        metrics,
        // Trouble WeChat-wide is not held against the authorizers that met it.
        onOpen: (evidenceSince) => this.backoff.forgiveSince(evidenceSince),
      }),
    }));
    this.use(this.upstreams[0]!);
  }

  /**
   * Runs one logical call made for `authorizer` (undefined for calls made for the platform,
   * such as token endpoints): counted among the active authorizers (wechat_authorizers_active),
   * refused at once while the authorizer is held back; otherwise
   * `run` makes its attempts through `attempt` (only one when `probe`: the held-back
   * authorizer's one probe), and the outcome is recorded once.
   */
  async call<T>(endpoint: string, authorizer: string | undefined, run: (attempt: Attempt, probe: boolean) => Promise<T>): Promise<T> {
    if (authorizer !== undefined) this.active.called(authorizer);
    let probe: boolean;
    try {
      probe = authorizer !== undefined && this.backoff.admit(authorizer);
    } catch (error) {
      this.options.metrics.upstreamCallsSkipped.inc({ endpoint, reason: 'held_back' });
      throw error;
    }
    const last: { upstream?: Upstream } = {};
    const attempt: Attempt = (call) =>
      this.attempt(endpoint, authorizer, (upstream) => {
        last.upstream = upstream;
        return call(upstream.baseUrl);
      });
    let value: T;
    try {
      value = await run(attempt, probe);
    } catch (error) {
      this.settleFailure(authorizer ?? endpoint, authorizer, last.upstream, error);
      throw error;
    }
    last.upstream?.circuit.record(authorizer ?? endpoint, false);
    if (authorizer !== undefined) this.backoff.succeeded(authorizer);
    return value;
  }

  private settleFailure(key: string, authorizer: string | undefined, upstream: Upstream | undefined, error: unknown): void {
    const made = upstream !== undefined && isCallMade(error);
    if (made) upstream.circuit.record(key, isUpstreamFailure(error));
    if (authorizer === undefined) return;
    // Held against the authorizer only while its host's circuit stays closed: an open one means WeChat-wide trouble.
    if (made && isAuthorizerTrouble(error) && upstream.circuit.state === 'closed') this.backoff.failed(authorizer, error as WechatError);
    // An errcode that is not trouble is an answer; trouble (-1, -1000) met while the circuit is open or probing says nothing either way.
    else if (error instanceof WechatApiError && !isAuthorizerTrouble(error)) this.backoff.succeeded(authorizer);
    else this.backoff.released(authorizer);
  }

  /** One attempt: fails at once when every host's circuit is open or the queue is full; otherwise waits for its slots. */
  private attempt<T>(endpoint: string, authorizer: string | undefined, call: (upstream: Upstream) => Promise<T>): Promise<T> {
    const key = authorizer ?? endpoint;
    if (!this.upstreams.some((upstream) => upstream.circuit.accepts(key))) return Promise.reject(this.circuitOpen(endpoint));
    const waiting = authorizer === undefined ? this.platformLimit.pendingCount : this.limit.pendingCount + this.bulkhead.totalWaiting;
    if (waiting >= this.options.maxQueue) {
      this.options.metrics.upstreamCallsSkipped.inc({ endpoint, reason: 'overloaded' });
      return Promise.reject(new WechatTransportError(endpoint, 'overloaded', `${waiting} calls already waiting (WECHAT_MAX_QUEUE)`, undefined, 1_000));
    }
    if (authorizer === undefined) return this.platformLimit(() => this.onPickedHost(endpoint, key, call));
    return this.bulkhead.run(authorizer, () => this.limit(() => this.onPickedHost(endpoint, key, call)));
  }

  /** Picks the host once the call holds its slot (circuits may have changed while it waited), and settles a probe. */
  private async onPickedHost<T>(endpoint: string, key: string, call: (upstream: Upstream) => Promise<T>): Promise<T> {
    const { upstream, probe } = this.pick(endpoint, key);
    if (!probe) return call(upstream);
    try {
      const value = await call(upstream);
      upstream.circuit.settleProbe(key, false);
      return value;
    } catch (error) {
      // Only WeChat's own answer settles a probe; one that never reached it leaves the circuit open to probe again.
      if (isCallMade(error)) upstream.circuit.settleProbe(key, isUpstreamFailure(error));
      else upstream.circuit.abandonProbe();
      throw error;
    }
  }

  /** The first host whose circuit admits the call made for `key` (the primary first), or a circuit-open failure. */
  private pick(endpoint: string, key: string): { upstream: Upstream; probe: boolean } {
    for (const upstream of this.upstreams) {
      const admission = upstream.circuit.admit(key);
      if (admission === 'refuse') continue;
      if (admission === 'call' && upstream !== this.inUse) this.use(upstream);
      return { upstream, probe: admission === 'probe' };
    }
    throw this.circuitOpen(endpoint);
  }

  private use(upstream: Upstream): void {
    const previous = this.inUse;
    this.inUse = upstream;
    for (const candidate of this.upstreams) {
      this.options.metrics.upstreamHostInUse.labels({ host: candidate.circuit.host }).set(candidate === upstream ? 1 : 0);
    }
    if (previous !== undefined) {
      const primary = upstream === this.upstreams[0];
      this.options.logger.warn(
        { host: upstream.circuit.host, previous: previous.circuit.host },
        primary ? 'WeChat calls are back on the primary host' : "WeChat calls now go to the disaster-recovery host while the primary's circuit is open",
      );
    }
  }

  /** Stops reading the shared holds. */
  close(): void {
    this.backoff.close();
  }

  private circuitOpen(endpoint: string): WechatTransportError {
    this.options.metrics.upstreamCallsSkipped.inc({ endpoint, reason: 'circuit_open' });
    const retryAfterMs = Math.min(...this.upstreams.map((upstream) => upstream.circuit.retryAfterMs));
    return new WechatTransportError(endpoint, 'circuit-open', 'failing fast after WeChat-wide failures', undefined, retryAfterMs);
  }
}
