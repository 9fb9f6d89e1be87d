/**
 * The Redis store, shared by every replica. Commands fail fast while Redis is away
 * (no offline queue, a command timeout) so a field fails with TOKEN_STORE_UNAVAILABLE
 * instead of hanging; the client keeps reconnecting and recovers by itself.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type KeyValueStore, type SetOptions, StoreUnavailableError } from './key-value-store.js';

// Deletes KEYS[1] only while it holds ARGV[1]: a lock or token someone else replaced is left alone.
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// Replaces KEYS[1] with ARGV[2], durable (SET drops any TTL), only while it holds ARGV[1]: a refresh token replaced by a newer one is left alone.
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end`;
// Renews KEYS[1] for ARGV[2] ms only while it holds ARGV[1]: a lock's owner extends its own lock, never another's.
const COMPARE_AND_EXPIRE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisStoreOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Longest a command may take before the field fails; default 1000 ms. */
  readonly commandTimeoutMs?: number;
}

export class RedisStore implements KeyValueStore {
  private readonly redis: Redis;

  private constructor(redis: Redis) {
    this.redis = redis;
  }

  /** Connects, or rejects naming the URL's host (never its password) when Redis cannot be reached. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
    });
    let up = false;
    redis.on('ready', () => {
      if (!up) options.logger.info({ redis: redactUrl(options.url) }, 'token store connected');
      up = true;
    });
    redis.on('error', (error: Error) => {
      if (up) options.logger.warn({ redis: redactUrl(options.url), err: error.message }, 'token store unreachable; retrying');
      up = false;
    });
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new StoreUnavailableError(`cannot connect to Redis at ${redactUrl(options.url)} (${(error as Error).message})`);
    }
    return new RedisStore(redis);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError((error as Error).message);
    }
  }

  get(key: string): Promise<string | undefined> {
    return this.run(async () => (await this.redis.get(key)) ?? undefined);
  }

  getWithTtl(key: string): Promise<{ value: string; ttlMs: number | undefined } | undefined> {
    return this.run(async () => {
      // One round trip, read atomically: the value and its PTTL (-1: no expiry).
      const replies = await this.redis.multi().get(key).pttl(key).exec();
      const [[getError, value] = [], [ttlError, ttl] = []] = replies ?? [];
      if (getError || ttlError) throw getError ?? ttlError;
      if (typeof value !== 'string') return undefined;
      return { value, ttlMs: typeof ttl === 'number' && ttl > 0 ? ttl : undefined };
    });
  }

  set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    return this.run(async () => {
      const ttl = options.ttlMs === undefined ? [] : (['PX', Math.max(1, Math.round(options.ttlMs))] as const);
      const reply = options.onlyIfAbsent
        ? await this.redis.set(key, value, ...(ttl as ['PX', number]), 'NX')
        : await this.redis.set(key, value, ...(ttl as ['PX', number]));
      return reply === 'OK';
    });
  }

  delete(key: string): Promise<void> {
    return this.run(async () => void (await this.redis.del(key)));
  }

  compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.run(async () => (await this.redis.eval(COMPARE_AND_DELETE, 1, key, expected)) === 1);
  }

  compareAndSet(key: string, expected: string, value: string): Promise<boolean> {
    return this.run(async () => (await this.redis.eval(COMPARE_AND_SET, 1, key, expected, value)) === 1);
  }

  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean> {
    return this.run(async () => (await this.redis.eval(COMPARE_AND_EXPIRE, 1, key, expected, Math.max(1, Math.round(ttlMs)))) === 1);
  }

  hashGet(key: string, fields: readonly string[]): Promise<Array<string | undefined>> {
    if (fields.length === 0) return Promise.resolve([]);
    return this.run(async () => (await this.redis.hmget(key, ...fields)).map((value) => value ?? undefined));
  }

  hashSet(key: string, field: string, value: string): Promise<void> {
    return this.run(async () => void (await this.redis.hset(key, field, value)));
  }

  hashSetIfAbsent(key: string, field: string, value: string): Promise<boolean> {
    return this.run(async () => (await this.redis.hsetnx(key, field, value)) === 1);
  }

  hashDelete(key: string, field: string): Promise<boolean> {
    return this.run(async () => (await this.redis.hdel(key, field)) === 1);
  }

  hashGetAll(key: string): Promise<Record<string, string>> {
    return this.run(() => this.redis.hgetall(key));
  }

  ping(): Promise<void> {
    return this.run(async () => void (await this.redis.ping()));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** redis://user:secret@host:6379/0 → redis://host:6379/0 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[unparseable REDIS_URL]';
  }
}
