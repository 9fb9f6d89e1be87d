/** MemoryStore.getWithTtl: a value and how long it has left, as Redis's GET + PTTL answer them. */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';

describe('MemoryStore.getWithTtl', () => {
  it('answers the value with its remaining life, no life for a durable key, and nothing for an absent or expired one', async () => {
    const store = new MemoryStore();
    await store.set('short', 'a', { ttlMs: 60_000 });
    await store.set('durable', 'b');
    await store.set('gone', 'c', { ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const short = await store.getWithTtl('short');
    expect(short?.value).toBe('a');
    expect(short?.ttlMs).toBeGreaterThan(59_000);
    expect(short?.ttlMs).toBeLessThanOrEqual(60_000);
    expect(await store.getWithTtl('durable')).toEqual({ value: 'b', ttlMs: undefined });
    expect(await store.getWithTtl('gone')).toBeUndefined();
    expect(await store.getWithTtl('never')).toBeUndefined();
  });
});
