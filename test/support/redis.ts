/**
 * The real Redis the token tests use: REDIS_TEST_URL, or the local server at
 * 127.0.0.1:6379. Each test file works under its own key prefix and deletes it after.
 * Where no Redis answers, the Redis tests are skipped with one line saying how to run
 * them — unless REQUIRE_REDIS=1 (CI), where they fail instead.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe } from 'vitest';

export const REDIS_TEST_URL = process.env['REDIS_TEST_URL'] ?? 'redis://127.0.0.1:6379';
const required = process.env['REQUIRE_REDIS'] === '1';

async function ping(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const available = await ping(REDIS_TEST_URL);
if (!available) {
  if (required) throw new Error(`REQUIRE_REDIS=1 but no Redis answers at ${REDIS_TEST_URL}; start redis-server or set REDIS_TEST_URL`);
  console.warn(`Redis tests skipped: no Redis at ${REDIS_TEST_URL}. Start one (redis-server) or set REDIS_TEST_URL to run them.`);
}

/** `describe` when Redis is reachable, `describe.skip` otherwise (never under REQUIRE_REDIS=1). */
export const describeWithRedis = available ? describe : describe.skip;

/** A key prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix`. */
export async function deletePrefix(prefix: string, url = REDIS_TEST_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Reads one key, for asserting on what the subgraph stored. */
export async function readKey(key: string, url = REDIS_TEST_URL): Promise<string | null> {
  const redis = new Redis(url);
  try {
    return await redis.get(key);
  } finally {
    redis.disconnect();
  }
}

export async function writeKey(key: string, value: string, url = REDIS_TEST_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    await redis.set(key, value);
  } finally {
    redis.disconnect();
  }
}
