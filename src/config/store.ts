/**
 * Where the state replicas share lives: a Redis (a single node, a Sentinel group or a
 * Cluster) when one is configured, else this process's memory; and whether start-up checks
 * that the Redis keeps what cannot be recovered (REDIS_DURABILITY_CHECK).
 */
import { z } from 'zod';
import { type RedisTopology, type TopologyNames, addressList, redisUrl, sentinelName, tlsSwitch, topologyOf, topologyRules } from './redis-topology.js';
import { optionalString, stringWithDefault } from './variables.js';

export const storeModel = z.object({
  REDIS_URL: redisUrl('REDIS_URL', 'redis://127.0.0.1:6379/0'),
  REDIS_SENTINELS: addressList('REDIS_SENTINELS', 'sentinel-1:26379,sentinel-2:26379,sentinel-3:26379'),
  REDIS_SENTINEL_NAME: sentinelName('REDIS_SENTINEL_NAME'),
  REDIS_SENTINEL_PASSWORD: optionalString,
  REDIS_CLUSTER_NODES: addressList('REDIS_CLUSTER_NODES', 'redis-1:6379,redis-2:6379,redis-3:6379'),
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_TLS: tlsSwitch('REDIS_TLS'),
  REDIS_DURABILITY_CHECK: z
    .enum(['fail', 'warn', 'off', ''], {
      message: 'REDIS_DURABILITY_CHECK must be fail (stop start-up when Redis would lose refresh tokens), warn (log it and start) or off',
    })
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  WECHAT_REDIS_PREFIX: stringWithDefault(
    'wechat:',
    /^[A-Za-z0-9:_.-]{1,64}$/,
    'WECHAT_REDIS_PREFIX must be 1 to 64 characters from A-Z, a-z, 0-9, ":", "_", "." and "-"',
  ),
});

export type StoreVariables = z.output<typeof storeModel>;

export const STORE_REDIS: TopologyNames<keyof StoreVariables> = {
  url: 'REDIS_URL',
  sentinels: 'REDIS_SENTINELS',
  sentinelName: 'REDIS_SENTINEL_NAME',
  sentinelPassword: 'REDIS_SENTINEL_PASSWORD',
  clusterNodes: 'REDIS_CLUSTER_NODES',
  username: 'REDIS_USERNAME',
  password: 'REDIS_PASSWORD',
  tls: 'REDIS_TLS',
};

/** The names, for messages: "REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES". */
export const STORE_REDIS_CHOICES = `${STORE_REDIS.url}, ${STORE_REDIS.sentinels} or ${STORE_REDIS.clusterNodes}`;

export const storeRules = topologyRules(STORE_REDIS);

/** Whether any of the three topologies is configured: the store is Redis, shared by replicas. */
export function hasRedisStore(values: Pick<StoreVariables, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_CLUSTER_NODES'>): boolean {
  return values.REDIS_URL !== undefined || values.REDIS_SENTINELS !== undefined || values.REDIS_CLUSTER_NODES !== undefined;
}

export type DurabilityCheck = 'fail' | 'warn' | 'off';

export interface StoreConfig {
  /** Unset: everything in memory (one replica). */
  readonly redis: RedisTopology | undefined;
  readonly prefix: string;
  /** What start-up does when the Redis would lose records that cannot be recovered. */
  readonly durabilityCheck: DurabilityCheck;
}

export interface StoreBorrowed {
  /** Production with TOKEN_SOURCE=own: the store holds refresh tokens, the registry and the ticket, so the check defaults to fail. */
  readonly keepsIrreplaceable: boolean;
}

export function storeConfig(values: StoreVariables, { keepsIrreplaceable }: StoreBorrowed): StoreConfig {
  return Object.freeze({
    redis: topologyOf(values, STORE_REDIS),
    prefix: values.WECHAT_REDIS_PREFIX,
    durabilityCheck: values.REDIS_DURABILITY_CHECK ?? (keepsIrreplaceable ? 'fail' : 'off'),
  });
}
