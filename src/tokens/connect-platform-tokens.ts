/**
 * Builds the TOKEN_SOURCE=platform token source from its configuration: a reader on the
 * platform's Redis (a node, a Sentinel group or a Cluster) or its token service, behind
 * PlatformTokens. An unreachable platform Redis stops start-up with a message naming where
 * it was looked for (never its password).
 */
import type { Logger } from 'pino';
import type { PlatformTokensConfig } from '../config/index.js';
import { PlatformHttpReader } from './platform-http-reader.js';
import type { PlatformTokenReader } from './platform-token-reader.js';
import { PlatformTokens } from './platform-tokens.js';

export interface PlatformTokensDependencies {
  /** WECHAT_TIMEOUT_MS: the token service is given as long as a WeChat call. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export async function connectPlatformTokens(config: PlatformTokensConfig, { timeoutMs, logger }: PlatformTokensDependencies): Promise<PlatformTokens> {
  const layout = { tokenField: config.tokenField, expiresAtField: config.expiresAtField };
  let reader: PlatformTokenReader;
  if (config.redis) {
    // The Redis client is loaded only when the platform keeps its tokens in Redis.
    const [{ RedisStore }, { describeTopology }, { PlatformRedisReader }] = await Promise.all([
      import('../store/redis-store.js'),
      import('../store/redis-client.js'),
      import('./platform-redis-reader.js'),
    ]);
    const redis = await RedisStore.connect({ topology: config.redis.topology, logger }).catch((error: Error) => {
      throw new Error(
        `TOKEN_SOURCE=platform: the platform's Redis at ${describeTopology(config.redis!.topology)} (PLATFORM_REDIS_URL, PLATFORM_REDIS_SENTINELS or PLATFORM_REDIS_CLUSTER_NODES, or else the store's) cannot be reached: ${error.message}`,
      );
    });
    reader = new PlatformRedisReader(redis, { keyTemplate: config.redis.keyTemplate, componentAppId: config.componentAppId, layout });
  } else if (config.http) {
    reader = new PlatformHttpReader({ urlTemplate: config.http.urlTemplate, secret: config.http.secret, timeoutMs, layout });
  } else {
    throw new Error('unreachable: config guarantees PLATFORM_TOKEN_REDIS_KEY or PLATFORM_TOKEN_URL with TOKEN_SOURCE=platform');
  }
  logger.info({ platform: config.redis ? 'redis' : 'token service', at: reader.where }, 'TOKEN_SOURCE=platform: reading the platform’s tokens, never minting');
  return new PlatformTokens({ reader, reuseMs: config.reuseMs, rejectedBackoffMs: config.rejectedBackoffMs, logger });
}
