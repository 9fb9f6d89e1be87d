/**
 * Per-authorizer back-off: an authorizer whose calls keep failing (after their retries) is
 * held back on its own, so one merchant's broken mini program costs neither WeChat calls
 * nor the host circuit that every other merchant depends on. While held back, its calls
 * fail at once with its last failure; when the back-off (doubling per consecutive failure,
 * with jitter, up to a maximum) has passed, one call is let through as a probe; one
 * success, or any answer that is not trouble, clears it.
 *
 * In process: every replica learns on its own, at the cost of one probe per back-off each.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { AuthorizerHeldBackError, type WechatError } from './errors.js';

export interface AuthorizerBackoffOptions {
  /** Back-off after the first failure; doubles with each consecutive one. */
  readonly baseMs: number;
  readonly maxMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface Hold {
  /** Consecutive failed calls. */
  failures: number;
  /** Epoch ms when the streak began: trouble WeChat-wide since then is forgiven. */
  readonly since: number;
  /** Epoch ms before which no call is made. */
  until: number;
  lastFailure: WechatError;
  /** A probe call is out: others stay held back until it settles. */
  probing: boolean;
}

export class AuthorizerBackoff {
  private readonly holds = new Map<string, Hold>();

  constructor(private readonly options: AuthorizerBackoffOptions) {}

  /**
   * Throws AuthorizerHeldBackError while the authorizer is held back; once its back-off has
   * passed, lets one probe through (returns true: the probe is one attempt, not retried).
   */
  admit(authorizerAppId: string): boolean {
    const hold = this.holds.get(authorizerAppId);
    if (hold === undefined) return false;
    const now = Date.now();
    if (now < hold.until || hold.probing) {
      const retryAfterMs = hold.probing ? this.delayMs(hold.failures) : hold.until - now;
      throw new AuthorizerHeldBackError(authorizerAppId, hold.lastFailure, retryAfterMs);
    }
    hold.probing = true;
    return true;
  }

  /** The authorizer answered: it is no longer held back. */
  succeeded(authorizerAppId: string): void {
    const hold = this.holds.get(authorizerAppId);
    if (hold === undefined) return;
    this.holds.delete(authorizerAppId);
    this.options.metrics.authorizersHeldBack.set(this.holds.size);
    this.options.logger.info({ authorizerAppId, failures: hold.failures }, 'authorizer answered again; its WeChat calls are no longer held back');
  }

  /** Its call failed in a way that is its own trouble: hold it back for longer. */
  failed(authorizerAppId: string, failure: WechatError): void {
    const now = Date.now();
    let hold = this.holds.get(authorizerAppId);
    if (hold === undefined) {
      hold = { failures: 0, since: now, until: now, lastFailure: failure, probing: false };
      this.holds.set(authorizerAppId, hold);
      this.options.metrics.authorizersHeldBack.set(this.holds.size);
    }
    hold.failures += 1;
    hold.lastFailure = failure;
    hold.probing = false;
    const delayMs = this.jittered(this.delayMs(hold.failures));
    hold.until = now + delayMs;
    if (hold.failures === 1) {
      this.options.logger.warn({ authorizerAppId, failure: failure.message, backoffMs: delayMs }, "authorizer's WeChat calls keep failing; holding it back");
    }
  }

  /** Its call ended without saying anything about it (never made, or failed WeChat-wide): the probe slot is free again. */
  released(authorizerAppId: string): void {
    const hold = this.holds.get(authorizerAppId);
    if (hold) hold.probing = false;
  }

  /** WeChat as a whole was in trouble since `since`: streaks that began then are not the authorizers' fault. */
  forgiveSince(since: number): void {
    for (const [authorizerAppId, hold] of this.holds) {
      if (hold.since >= since) this.holds.delete(authorizerAppId);
    }
    this.options.metrics.authorizersHeldBack.set(this.holds.size);
  }

  get heldBack(): number {
    return this.holds.size;
  }

  private delayMs(failures: number): number {
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(failures - 1, 30));
  }

  /** Between half and all of `delayMs`, so authorizers that failed together do not probe together. */
  private jittered(delayMs: number): number {
    return Math.round(delayMs * (0.5 + Math.random() * 0.5));
  }
}
