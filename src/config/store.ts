/** Where the state replicas share lives: Redis when REDIS_URL is set, else this process's memory. */
import { z } from 'zod';
import { REDIS_URL, optionalMatching, stringWithDefault } from './variables.js';

export const storeModel = z.object({
  REDIS_URL: optionalMatching(REDIS_URL, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0'),
  WECHAT_REDIS_PREFIX: stringWithDefault(
    'wechat:',
    /^[A-Za-z0-9:_.-]{1,64}$/,
    'WECHAT_REDIS_PREFIX must be 1 to 64 characters from A-Z, a-z, 0-9, ":", "_", "." and "-"',
  ),
});

export type StoreVariables = z.output<typeof storeModel>;

export interface StoreConfig {
  /** Unset: everything in memory (one replica). */
  readonly redisUrl: string | undefined;
  readonly prefix: string;
}

export function storeConfig(values: StoreVariables): StoreConfig {
  return Object.freeze({ redisUrl: values.REDIS_URL, prefix: values.WECHAT_REDIS_PREFIX });
}
