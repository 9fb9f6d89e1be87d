/**
 * The shared store seam: the few key-value operations that tokens, the verify ticket,
 * refresh tokens, the merchant registry and the refresh lock need. In memory for one
 * replica; Redis when replicas share state. Every failure to reach the store is a
 * StoreUnavailableError, which callers surface as TOKEN_STORE_UNAVAILABLE.
 *
 * Durable writes, of what cannot be rebuilt (a key without a TTL, a hash field unless it
 * says otherwise), wait on Redis for a replica's acknowledgement where the master has one;
 * a write none acknowledged in time is an UnacknowledgedWriteError.
 */
export interface SetOptions {
  /** Expire the key after this many milliseconds; without it the key is durable (kept, and acknowledged by a replica). */
  readonly ttlMs?: number;
  /** Write only if the key does not exist (SET NX); returns false when it did. */
  readonly onlyIfAbsent?: boolean;
}

export interface HashSetOptions {
  /** Whether the write waits for a replica's acknowledgement; default true. False for a hash any replica can rebuild. */
  readonly durable?: boolean;
}

export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** The value and how long it has left (undefined: no expiry), read together; undefined when the key is absent. */
  getWithTtl(key: string): Promise<{ readonly value: string; readonly ttlMs: number | undefined } | undefined>;
  /** Returns whether the value was written (always true unless onlyIfAbsent found a value). */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes the key only if it still holds `expected`, atomically; returns whether it did. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /** Replaces the value only if the key still holds `expected`, atomically, keeping it durable (no TTL, acknowledged by a replica); returns whether it did. */
  compareAndSet(key: string, expected: string, value: string): Promise<boolean>;
  /** Gives the key a new life of `ttlMs` only if it still holds `expected`, atomically (a lock's owner renewing it); returns whether it did. */
  compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean>;
  hashGet(key: string, fields: readonly string[]): Promise<Array<string | undefined>>;
  hashSet(key: string, field: string, value: string, options?: HashSetOptions): Promise<void>;
  /** Writes the field only if the hash lacks it (HSETNX), durably; returns whether it did. */
  hashSetIfAbsent(key: string, field: string, value: string): Promise<boolean>;
  hashDelete(key: string, field: string): Promise<boolean>;
  hashGetAll(key: string): Promise<Record<string, string>>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(detail: string) {
    super(`The token store is unavailable: ${detail}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A durable write the master took but no replica acknowledged in time (the store has logged
 * it): the value is there, but a failover now could lose it. A StoreUnavailableError, so a
 * caller that does nothing fails as if the store were away; one for which failing would
 * lose more than it saves accepts it (acceptUnacknowledged).
 */
export class UnacknowledgedWriteError extends StoreUnavailableError {
  constructor(
    readonly key: string,
    timeoutMs: number,
  ) {
    super(`no replica acknowledged the write of ${key} within ${timeoutMs} ms; the master holds it, but a failover before it replicates would lose it`);
    this.name = 'UnacknowledgedWriteError';
  }
}

/** For `.catch()`: an unacknowledged write is taken as done (the store logged it); any other failure is rethrown. */
export function acceptUnacknowledged(error: unknown): void {
  if (!(error instanceof UnacknowledgedWriteError)) throw error;
}
