/**
 * What stands between the subgraph and a struggling WeChat: a bounded pool of calls in
 * flight with a bounded queue behind it (excess fails at once instead of growing memory),
 * and a circuit breaker that, after sustained failures, fails calls fast until a probe
 * succeeds. One guard per upstream host.
 */
import CircuitBreaker from 'opossum';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { WechatTransportError } from './errors.js';
import { isUpstreamFailure } from './retry-policy.js';
import type { Metrics } from '../observability/metrics.js';

export interface UpstreamGuardOptions {
  readonly host: string;
  /** Most calls in flight at once. */
  readonly maxConcurrency: number;
  /** Most calls waiting for a slot; one more fails with `overloaded`. */
  readonly maxQueue: number;
  /** How long the circuit stays open before one probe call is let through. */
  readonly resetMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class UpstreamGuard {
  private readonly limit: LimitFunction;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private openedAt = 0;

  constructor(private readonly options: UpstreamGuardOptions) {
    this.limit = pLimit(options.maxConcurrency);
    this.breaker = new CircuitBreaker((task: () => Promise<unknown>) => task(), {
      timeout: false, // each call has its own deadline
      errorThresholdPercentage: 50,
      volumeThreshold: 10, // at least this many calls in the window before the circuit may open
      rollingCountTimeout: 10_000,
      resetTimeout: options.resetMs,
      // Only the counts decide; latency percentiles and per-second snapshots would sort every
      // call of the window each second for numbers no one reads (upstream latency is in /metrics).
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // Only WeChat's own trouble opens the circuit; a merchant's permission error does not.
      errorFilter: (error: unknown) => !isUpstreamFailure(error),
    });
    const gauge = options.metrics.circuitState.labels({ host: options.host });
    gauge.set(0);
    this.breaker.on('open', () => {
      gauge.set(2);
      this.openedAt = Date.now();
      options.logger.warn({ host: options.host, resetMs: options.resetMs }, 'WeChat circuit opened after sustained failures; failing fast');
    });
    this.breaker.on('halfOpen', () => {
      gauge.set(1);
      options.logger.info({ host: options.host }, 'WeChat circuit half-open; probing');
    });
    this.breaker.on('close', () => {
      gauge.set(0);
      options.logger.info({ host: options.host }, 'WeChat circuit closed; calls flow again');
    });
  }

  get state(): CircuitState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Runs `call` within the pool and the breaker; rejects at once when the circuit is open or the queue is full. */
  run<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
    if (this.breaker.opened) return Promise.reject(this.circuitOpen(endpoint));
    if (this.limit.pendingCount >= this.options.maxQueue) {
      return Promise.reject(
        new WechatTransportError(endpoint, 'overloaded', `${this.limit.pendingCount} calls already waiting (WECHAT_MAX_QUEUE)`, undefined, 1_000),
      );
    }
    // Plain promise chains, not async wrappers: this runs for every WeChat call.
    return this.limit(() =>
      this.breaker.fire(call).catch((error: unknown) => {
        throw (error as { code?: string }).code === 'EOPENBREAKER' ? this.circuitOpen(endpoint) : error;
      }),
    ) as Promise<T>;
  }

  private circuitOpen(endpoint: string): WechatTransportError {
    const retryAfterMs = Math.max(0, this.openedAt + this.options.resetMs - Date.now());
    return new WechatTransportError(endpoint, 'circuit-open', 'failing fast after sustained failures', undefined, retryAfterMs);
  }

  shutdown(): void {
    this.breaker.shutdown();
  }
}
