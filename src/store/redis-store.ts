/**
 * The Redis store, shared by every replica: a single node, a Sentinel group or a Cluster.
 * Commands fail fast while Redis is away (redis-client.ts) so a field fails with
 * TOKEN_STORE_UNAVAILABLE instead of hanging; the client reconnects by itself. Every
 * command touches one key, so none crosses a Cluster's slots. A durable write (no TTL, or a
 * durable hash field) is followed on the same connection by WAIT 1 when its master has a
 * replica online: a refresh token written then survives the master's loss.
 */
import type { ChainableCommander } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisTopology } from '../config/index.js';
import { type HashSetOptions, type KeyValueStore, type SetOptions, StoreUnavailableError, UnacknowledgedWriteError } from './key-value-store.js';
import { type RedisClient, type RedisMaster, connectRedisClient, createRedisClient, describeTopology, mastersOf } from './redis-client.js';
import { ReplicaWatch } from './replica-watch.js';

// Deletes KEYS[1] only while it holds ARGV[1]: a lock or token someone else replaced is left alone.
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// Replaces KEYS[1] with ARGV[2], durable (SET drops any TTL), only while it holds ARGV[1]: a refresh token replaced by a newer one is left alone.
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 else return 0 end`;
// Renews KEYS[1] for ARGV[2] ms only while it holds ARGV[1]: a lock's owner extends its own lock, never another's.
const COMPARE_AND_EXPIRE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisStoreOptions {
  readonly topology: RedisTopology;
  readonly logger: Logger;
  /** Longest a command may take before the field fails; default 1000 ms. */
  readonly commandTimeoutMs?: number;
  /** Longest a durable write waits for a replica's acknowledgement; default 500 ms (below the command timeout). */
  readonly replicaAckTimeoutMs?: number;
  /** How often the masters are asked which replicas they have; default 5000 ms. */
  readonly replicaCheckIntervalMs?: number;
}

export class RedisStore implements KeyValueStore {
  private constructor(
    private readonly redis: RedisClient,
    private readonly replicas: ReplicaWatch,
    private readonly ackTimeoutMs: number,
    private readonly logger: Logger,
    /** Where the store is, for messages: never a password. */
    readonly where: string,
  ) {}

  /** Connects, or rejects naming where Redis was looked for (never its password). */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
    const redis = createRedisClient(options.topology, commandTimeoutMs);
    const where = describeTopology(options.topology);
    let up = false;
    redis.on('ready', () => {
      if (!up) options.logger.info({ redis: where }, 'token store connected');
      up = true;
    });
    redis.on('error', (error: Error) => {
      if (up) options.logger.warn({ redis: where, err: error.message }, 'token store unreachable; retrying');
      up = false;
    });
    const replicas = new ReplicaWatch(redis, options.replicaCheckIntervalMs ?? 5_000);
    try {
      await connectRedisClient(redis);
    } catch (error) {
      replicas.close();
      throw new StoreUnavailableError(`cannot connect to Redis at ${where} (${(error as Error).message})`);
    }
    await replicas.refresh();
    return new RedisStore(redis, replicas, Math.min(options.replicaAckTimeoutMs ?? 500, commandTimeoutMs - 100), options.logger, where);
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError((error as Error).message);
    }
  }

  /**
   * One write, then WAIT 1 on the same connection (a pipeline goes to the key's master)
   * when that master has a replica online. The write's own failure is an outage; a write
   * no replica acknowledged in time is logged and told apart.
   */
  private durably<T>(key: string, write: (pipeline: ChainableCommander) => ChainableCommander, wrote: (reply: T) => boolean = () => true): Promise<T> {
    return this.run(async () => {
      const replicas = await this.replicas.replicasFor(key);
      const pipeline = write(this.redis.pipeline());
      if (replicas > 0) pipeline.wait(1, this.ackTimeoutMs);
      const [[writeError, reply] = [], [ackError, acknowledged] = []] = (await pipeline.exec()) ?? [];
      if (writeError) throw writeError;
      // A conditional write that wrote nothing (SET NX on a stored key, a compare that failed) has nothing to lose.
      if (replicas > 0 && wrote(reply as T) && (ackError || (acknowledged as number) < 1)) {
        void this.replicas.refresh(); // the replica may be gone: the next writes need not wait for it
        this.logger.error(
          { redis: this.where, key, replicaAckTimeoutMs: this.ackTimeoutMs, err: ackError?.message },
          'no replica acknowledged a durable write in time: the master holds it, but a failover before it replicates would lose it',
        );
        throw new UnacknowledgedWriteError(key, this.ackTimeoutMs);
      }
      return reply as T;
    });
  }

  /** The masters the store writes to, for the start-up check of their settings. */
  masters(): RedisMaster[] {
    return mastersOf(this.redis);
  }

  get(key: string): Promise<string | undefined> {
    return this.run(async () => (await this.redis.get(key)) ?? undefined);
  }

  getWithTtl(key: string): Promise<{ value: string; ttlMs: number | undefined } | undefined> {
    return this.run(async () => {
      // One round trip, read atomically: the value and its PTTL (-1: no expiry). One key, so one slot.
      const replies = await this.redis.multi().get(key).pttl(key).exec();
      const [[getError, value] = [], [ttlError, ttl] = []] = replies ?? [];
      if (getError || ttlError) throw getError ?? ttlError;
      if (typeof value !== 'string') return undefined;
      return { value, ttlMs: typeof ttl === 'number' && ttl > 0 ? ttl : undefined };
    });
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const nx = options.onlyIfAbsent ? (['NX'] as const) : ([] as const);
    if (options.ttlMs === undefined) return (await this.durably<string | null>(key, (pipeline) => pipeline.set(key, value, ...(nx as ['NX'])), (reply) => reply === 'OK')) === 'OK';
    const ttlMs = Math.max(1, Math.round(options.ttlMs));
    return this.run(async () => (await this.redis.set(key, value, 'PX', ttlMs, ...(nx as ['NX']))) === 'OK');
  }

  delete(key: string): Promise<void> {
    return this.run(async () => void (await this.redis.del(key)));
  }

  compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.run(async () => (await this.redis.eval(COMPARE_AND_DELETE, 1, key, expected)) === 1);
  }

  /** Durable: the value replaced is a refresh token. */
  async compareAndSet(key: string, expected: string, value: string): Promise<boolean> {
    return (await this.durably<number>(key, (pipeline) => pipeline.eval(COMPARE_AND_SET, 1, key, expected, value), (reply) => reply === 1)) === 1;
  }

  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean> {
    return this.run(async () => (await this.redis.eval(COMPARE_AND_EXPIRE, 1, key, expected, Math.max(1, Math.round(ttlMs)))) === 1);
  }

  hashGet(key: string, fields: readonly string[]): Promise<Array<string | undefined>> {
    if (fields.length === 0) return Promise.resolve([]);
    return this.run(async () => (await this.redis.hmget(key, ...fields)).map((value) => value ?? undefined));
  }

  async hashSet(key: string, field: string, value: string, options: HashSetOptions = {}): Promise<void> {
    if (options.durable === false) return this.run(async () => void (await this.redis.hset(key, field, value)));
    await this.durably(key, (pipeline) => pipeline.hset(key, field, value));
  }

  /** Durable, as every registry write is. */
  async hashSetIfAbsent(key: string, field: string, value: string): Promise<boolean> {
    return (await this.durably<number>(key, (pipeline) => pipeline.hsetnx(key, field, value), (reply) => reply === 1)) === 1;
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
    this.replicas.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
