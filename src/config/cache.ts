/**
 * How getEnvInfo answers are reused across operations (memory, and Redis when set): fresh
 * for the TTL; then served at once while one refresh runs (stale while revalidate); then,
 * when a fresh answer cannot be had for a reason that says nothing about the merchant's
 * authorization, served as the last good answer (stale if error). RFC 5861's two windows,
 * both counted from when the answer stops being fresh.
 */
import { z } from 'zod';
import { integer } from './variables.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const cacheModel = z.object({
  CLOUDENV_CACHE_TTL_MS: integer('CLOUDENV_CACHE_TTL_MS', 0, 300_000, 3_000),
  // A minute: an authorizer asked for at least once a minute never waits for WeChat after its
  // first answer, and nothing served at once is older than the TTL and a minute.
  CLOUDENV_STALE_WHILE_REVALIDATE_MS: integer('CLOUDENV_STALE_WHILE_REVALIDATE_MS', 0, 24 * HOUR_MS, MINUTE_MS),
  // A day: the longest failure that serves a stale answer and has a known end is a spent daily
  // quota (45009), which resets at midnight China time; WeChat outages last minutes to hours.
  // Environments change a few times a year, and every answer says when it was read.
  CLOUDENV_STALE_IF_ERROR_MS: integer('CLOUDENV_STALE_IF_ERROR_MS', 0, 7 * 24 * HOUR_MS, 24 * HOUR_MS),
  CLOUDENV_CACHE_MAX_AUTHORIZERS: integer('CLOUDENV_CACHE_MAX_AUTHORIZERS', 1, 10_000_000, 50_000),
  CLOUDENV_CACHE_MAX_MB: integer('CLOUDENV_CACHE_MAX_MB', 1, 65_536, 64),
});

export type CacheVariables = z.output<typeof cacheModel>;

/** Beyond the TTL: the stale windows and the memory copy's bounds. */
export interface AnswerCacheConfig {
  /** How long past the TTL an answer is served at once while one refresh runs; ignored when the TTL is 0. */
  readonly staleWhileRevalidateMs: number;
  /** How long past the TTL the last good answer stands in for a fresh one that failed; 0: never. */
  readonly staleIfErrorMs: number;
  /** The memory copy's bounds: authorizers, and bytes (estimated). */
  readonly maxAuthorizers: number;
  readonly maxBytes: number;
}

export interface CacheConfig {
  /** How long a getEnvInfo answer is fresh at most (each authorizer's up to a fifth less); 0: none is, every operation asks WeChat (single-flight stays, and stale if error may still serve). */
  readonly cacheTtlMs: number;
  readonly answerCache: AnswerCacheConfig;
}

export function cacheConfig(values: CacheVariables): CacheConfig {
  return {
    cacheTtlMs: values.CLOUDENV_CACHE_TTL_MS,
    answerCache: Object.freeze({
      staleWhileRevalidateMs: values.CLOUDENV_STALE_WHILE_REVALIDATE_MS,
      staleIfErrorMs: values.CLOUDENV_STALE_IF_ERROR_MS,
      maxAuthorizers: values.CLOUDENV_CACHE_MAX_AUTHORIZERS,
      maxBytes: values.CLOUDENV_CACHE_MAX_MB * 1024 * 1024,
    }),
  };
}
