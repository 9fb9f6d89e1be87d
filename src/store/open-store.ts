/**
 * The store a configuration names: in memory for one replica, or Redis (a node, a Sentinel
 * group or a Cluster), its persistence and eviction settings checked
 * (REDIS_DURABILITY_CHECK) before anything is written to it. The Redis client is loaded
 * only when there is a Redis to talk to.
 */
import type { Logger } from 'pino';
import type { StoreConfig } from '../config/index.js';
import type { KeyValueStore } from './key-value-store.js';
import { MemoryStore } from './memory-store.js';

export async function openStore(config: StoreConfig, logger: Logger): Promise<KeyValueStore> {
  if (!config.redis) return new MemoryStore();
  const [{ RedisStore }, { checkDurability }] = await Promise.all([import('./redis-store.js'), import('./durability-check.js')]);
  const store = await RedisStore.connect({ topology: config.redis, logger });
  try {
    await checkDurability({ mode: config.durabilityCheck, masters: store.masters(), where: store.where, logger });
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
