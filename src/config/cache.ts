/** How long a getEnvInfo answer is reused across operations (memory, or Redis when set). */
import { z } from 'zod';
import { integer } from './variables.js';

export const cacheModel = z.object({
  CLOUDENV_CACHE_TTL_MS: integer('CLOUDENV_CACHE_TTL_MS', 0, 300_000, 3_000),
});

export type CacheVariables = z.output<typeof cacheModel>;

export interface CacheConfig {
  /** How long a getEnvInfo answer is reused across operations; 0 disables the cache (single-flight stays). */
  readonly cacheTtlMs: number;
}

export function cacheConfig(values: CacheVariables): CacheConfig {
  return { cacheTtlMs: values.CLOUDENV_CACHE_TTL_MS };
}
