/** The in-memory store: one replica, nothing shared, nothing survives a restart. */
import type { HashSetOptions, KeyValueStore, SetOptions } from './key-value-store.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, Entry>();
  private readonly hashes = new Map<string, Map<string, string>>();

  private live(key: string): Entry | undefined {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async getWithTtl(key: string): Promise<{ value: string; ttlMs: number | undefined } | undefined> {
    const entry = this.live(key);
    if (!entry) return undefined;
    return { value: entry.value, ttlMs: entry.expiresAt === Number.POSITIVE_INFINITY ? undefined : entry.expiresAt - Date.now() };
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.onlyIfAbsent && this.live(key)) return false;
    this.values.set(key, { value, expiresAt: options.ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    this.values.delete(key);
    return true;
  }

  async compareAndSet(key: string, expected: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== expected) return false;
    this.values.set(key, { value, expiresAt: Number.POSITIVE_INFINITY });
    return true;
  }

  async compareAndExpire(key: string, expected: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (entry?.value !== expected) return false;
    this.values.set(key, { value: entry.value, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async hashGet(key: string, fields: readonly string[]): Promise<Array<string | undefined>> {
    const hash = this.hashes.get(key);
    return fields.map((field) => hash?.get(field));
  }

  async hashSet(key: string, field: string, value: string, _options?: HashSetOptions): Promise<void> {
    let hash = this.hashes.get(key);
    if (!hash) this.hashes.set(key, (hash = new Map()));
    hash.set(field, value);
  }

  async hashSetIfAbsent(key: string, field: string, value: string): Promise<boolean> {
    if ((await this.hashGet(key, [field]))[0] !== undefined) return false;
    await this.hashSet(key, field, value);
    return true;
  }

  async hashDelete(key: string, field: string): Promise<boolean> {
    return this.hashes.get(key)?.delete(field) ?? false;
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.hashes.get(key) ?? []);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
