/**
 * The distinct authorizers this replica had WeChat calls for lately: the denominator
 * operators divide the held-back authorizers by (wechat_authorizers_active). A call held
 * back counts too, so the held-back ones are among the active while they are asked for.
 * Bounded (the least recently asked drop out past `max`) and cheap: one LRU touch per
 * logical call, expired ones purged only when the gauge is read.
 */
import { LRUCache } from 'lru-cache';

export interface ActiveAuthorizersOptions {
  /** How long an authorizer counts after its last call. */
  readonly windowMs: number;
  /** Most authorizers counted. */
  readonly max: number;
  /** The clock lru-cache reads (tests pass their own). */
  readonly clock?: { now(): number };
}

export const ACTIVE_AUTHORIZERS_WINDOW_MS = 5 * 60_000;
const MAX_COUNTED = 10_000;

export class ActiveAuthorizers {
  private readonly seen: LRUCache<string, true>;

  constructor(options: Partial<ActiveAuthorizersOptions> = {}) {
    this.seen = new LRUCache<string, true>({
      max: options.max ?? MAX_COUNTED,
      ttl: options.windowMs ?? ACTIVE_AUTHORIZERS_WINDOW_MS,
      ttlAutopurge: false,
      // Read the clock on every touch rather than cache it behind a timer per millisecond.
      ttlResolution: 0,
      ...(options.clock ? { perf: options.clock } : {}),
    });
  }

  /** A WeChat call is wanted for this authorizer now. */
  called(authorizerAppId: string): void {
    this.seen.set(authorizerAppId, true);
  }

  /** How many distinct authorizers had a call within the window. */
  get count(): number {
    this.seen.purgeStale();
    return this.seen.size;
  }
}
