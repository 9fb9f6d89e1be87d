/**
 * Per-authorizer back-off: an authorizer whose calls keep failing (after their retries) is
 * held back on its own, so one merchant's broken mini program costs neither WeChat calls
 * nor the host circuit that every other merchant depends on. While held back, its calls
 * fail at once with its last failure; when the back-off (doubling per consecutive failure,
 * with jitter, up to a maximum) has passed, one call is let through as a probe; one
 * success, or any answer that is not trouble, clears it.
 *
 * With a store shared by replicas (Redis), holds are published there and every replica
 * adopts the others' on its next sync, so a broken authorizer costs one probe per back-off
 * in all, not per replica; calls themselves never wait for the store.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { AuthorizerHeldBackError, type WechatError } from './errors.js';
import type { SharedHold, SharedHolds } from './shared-holds.js';

export interface AuthorizerBackoffOptions {
  /** Back-off after the first failure; doubles with each consecutive one. */
  readonly baseMs: number;
  readonly maxMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Holds shared with other replicas, and how often to read theirs. */
  readonly shared?: { readonly holds: SharedHolds; readonly syncMs: number };
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
  /** Learned from another replica: dropped when that replica lets it go. */
  adopted: boolean;
}

export class AuthorizerBackoff {
  private readonly holds = new Map<string, Hold>();
  private readonly syncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AuthorizerBackoffOptions) {
    options.metrics.countHeldBackAuthorizersWith(() => this.heldBackNow());
    if (options.shared) {
      this.syncTimer = setInterval(() => void this.sync(), options.shared.syncMs);
      this.syncTimer.unref();
    }
  }

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
    this.options.logger.info({ authorizerAppId, failures: hold.failures }, 'authorizer answered again; its WeChat calls are no longer held back');
    this.share((holds) => holds.release(authorizerAppId));
  }

  /** Its call failed in a way that is its own trouble: hold it back for longer. */
  failed(authorizerAppId: string, failure: WechatError): void {
    const now = Date.now();
    let hold = this.holds.get(authorizerAppId);
    if (hold === undefined) {
      hold = { failures: 0, since: now, until: now, lastFailure: failure, probing: false, adopted: false };
      this.holds.set(authorizerAppId, hold);
    }
    hold.failures += 1;
    hold.lastFailure = failure;
    hold.probing = false;
    hold.adopted = false;
    const delayMs = this.jittered(this.delayMs(hold.failures));
    hold.until = now + delayMs;
    if (hold.failures === 1) {
      this.options.logger.warn({ authorizerAppId, failure: failure.message, backoffMs: delayMs }, "authorizer's WeChat calls keep failing; holding it back");
    }
    const shared: SharedHold = { until: hold.until, failures: hold.failures, lastFailure: failure };
    this.share((holds) => holds.publish(authorizerAppId, shared));
  }

  /** Its call ended without saying anything about it (never made, or failed WeChat-wide): the probe slot is free again. */
  released(authorizerAppId: string): void {
    const hold = this.holds.get(authorizerAppId);
    if (hold) hold.probing = false;
  }

  /** WeChat as a whole was in trouble since `since`: streaks that began then are not the authorizers' fault. */
  forgiveSince(since: number): void {
    for (const [authorizerAppId, hold] of this.holds) {
      if (hold.since < since) continue;
      this.holds.delete(authorizerAppId);
      this.share((holds) => holds.release(authorizerAppId));
    }
  }

  /** Adopts the holds other replicas published and drops the adopted ones they let go. */
  async sync(): Promise<void> {
    const shared = this.options.shared;
    if (!shared) return;
    let published: Map<string, SharedHold>;
    try {
      published = await shared.holds.read();
    } catch (error) {
      this.options.logger.debug({ err: (error as Error).message }, 'reading the shared held-back authorizers failed; keeping what this replica knows');
      return;
    }
    const now = Date.now();
    for (const [authorizerAppId, hold] of this.holds) {
      if (hold.adopted && !published.has(authorizerAppId)) this.holds.delete(authorizerAppId);
    }
    for (const [authorizerAppId, hold] of published) {
      const own = this.holds.get(authorizerAppId);
      if (hold.until <= now || (own !== undefined && own.until >= hold.until)) continue;
      if (own?.probing) continue; // its probe will settle it here
      this.holds.set(authorizerAppId, { failures: hold.failures, since: now, until: hold.until, lastFailure: hold.lastFailure, probing: false, adopted: true });
    }
  }

  close(): void {
    clearInterval(this.syncTimer);
  }

  /** Writes to the shared holds without making the caller wait; a store that is down only means replicas learn on their own. */
  private share(write: (holds: SharedHolds) => Promise<void>): void {
    const shared = this.options.shared;
    if (!shared) return;
    write(shared.holds).catch((error: Error) => this.options.logger.debug({ err: error.message }, 'sharing a held-back authorizer failed'));
  }

  /** Authorizers with a hold, whether or not its back-off still runs: the next call of one whose back-off ended is its probe. */
  get heldBack(): number {
    return this.holds.size;
  }

  /**
   * Authorizers held back now: a back-off still running, or its probe out. One whose back-off
   * ended with no call since is not being held back from anything (nobody asks for it), so
   * an operator's count drops when its merchants' traffic stops, though its next call is
   * still a single probe.
   */
  heldBackNow(now = Date.now()): number {
    let count = 0;
    for (const hold of this.holds.values()) if (hold.probing || now < hold.until) count += 1;
    return count;
  }

  private delayMs(failures: number): number {
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(failures - 1, 30));
  }

  /** Between half and all of `delayMs`, so authorizers that failed together do not probe together. */
  private jittered(delayMs: number): number {
    return Math.round(delayMs * (0.5 + Math.random() * 0.5));
  }
}
