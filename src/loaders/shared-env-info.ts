/**
 * getEnvInfo results shared across operations: identical calls in flight for one
 * authorizer are made once (single-flight), and a successful answer is kept for
 * CLOUDENV_CACHE_TTL_MS (in memory, or in Redis so replicas share it). Errors are never
 * cached. A cached "every environment" answer also serves a later single-`env` query.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { type Metrics, unobserved } from '../observability/metrics.js';
import { SingleFlight } from '../single-flight.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { EnvInfo } from '../wechat/env-info.js';
import { ALL_ENVIRONMENTS } from './batch-rule.js';

/** Where answers are kept between operations. */
export interface EnvInfoCache {
  get(key: string): Promise<readonly EnvInfo[] | undefined>;
  set(key: string, environments: readonly EnvInfo[], ttlMs: number): Promise<void>;
}

/** One replica: a bounded LRU holding the answers as they are. */
export class MemoryEnvInfoCache implements EnvInfoCache {
  private readonly entries = new LRUCache<string, readonly EnvInfo[]>({ max: 10_000, ttlAutopurge: false });

  async get(key: string) {
    return this.entries.get(key);
  }

  async set(key: string, environments: readonly EnvInfo[], ttlMs: number) {
    this.entries.set(key, environments, { ttl: ttlMs });
  }
}

/** Shared by replicas through the store; times travel as epoch milliseconds. */
export class StoreEnvInfoCache implements EnvInfoCache {
  constructor(
    private readonly store: KeyValueStore,
    private readonly prefix: string,
  ) {}

  async get(key: string) {
    const raw = await this.store.get(`${this.prefix}${key}`);
    if (raw === undefined) return undefined;
    return (JSON.parse(raw) as Array<Omit<EnvInfo, 'createTime' | 'updateTime'> & { createTime: number; updateTime: number }>).map(
      (environment) => ({ ...environment, createTime: new Date(environment.createTime), updateTime: new Date(environment.updateTime) }),
    );
  }

  async set(key: string, environments: readonly EnvInfo[], ttlMs: number) {
    const wire = environments.map((environment) => ({ ...environment, createTime: environment.createTime.getTime(), updateTime: environment.updateTime.getTime() }));
    await this.store.set(`${this.prefix}${key}`, JSON.stringify(wire), { ttlMs });
  }
}

export class SharedEnvInfo {
  private readonly flights: SingleFlight<readonly EnvInfo[]>;

  constructor(
    private readonly cache: EnvInfoCache,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics = unobserved(),
  ) {
    this.flights = new SingleFlight({
      onJoin: () => this.metrics.singleFlightJoins.inc({ kind: 'envinfo' }),
      // A successful answer is cached before any caller sees it; errors never are.
      onLanded: (key, environments) => {
        if (this.ttlMs > 0) this.cache.set(key, environments, this.ttlMs).catch((error: Error) => this.logger.debug({ err: error.message }, 'getEnvInfo cache write failed'));
      },
    });
  }

  /** The authorizer's environments (with `env`, as WeChat answers that query), fetched with `fetch` only when no one else is. */
  get(authorizerAppId: string, env: string | undefined, fetch: () => Promise<EnvInfo[]>): Promise<readonly EnvInfo[]> {
    const key = `${authorizerAppId}:${env ?? ALL_ENVIRONMENTS}`;
    // With the cache off there is nothing to look up: straight to the flight, no extra awaits.
    return this.ttlMs > 0 ? this.cachedOrShared(key, authorizerAppId, env, fetch) : this.shared(key, fetch);
  }

  private async cachedOrShared(key: string, authorizerAppId: string, env: string | undefined, fetch: () => Promise<EnvInfo[]>) {
    const cached = await this.cached(key, authorizerAppId, env);
    this.metrics.cacheLookups.inc({ result: cached ? 'hit' : 'miss' });
    return cached ?? this.shared(key, fetch);
  }

  /** Joins the call in flight for `key`, or makes it; a successful answer is cached. */
  private shared(key: string, fetch: () => Promise<EnvInfo[]>): Promise<readonly EnvInfo[]> {
    return this.flights.run(key, fetch);
  }

  private async cached(key: string, authorizerAppId: string, env: string | undefined): Promise<readonly EnvInfo[] | undefined> {
    try {
      const exact = await this.cache.get(key);
      if (exact || env === undefined) return exact;
      const all = await this.cache.get(`${authorizerAppId}:${ALL_ENVIRONMENTS}`);
      return all?.filter((environment) => environment.env === env);
    } catch (error) {
      // An unreachable cache is a miss, not a failure: WeChat can still answer.
      this.logger.debug({ err: (error as Error).message }, 'getEnvInfo cache read failed');
      return undefined;
    }
  }
}
