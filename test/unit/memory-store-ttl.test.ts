/** MemoryStore.getWithTtl: a value and how long it has left, as Redis's GET + PTTL answer them. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryStore.getWithTtl', () => {
  it('answers the value with its remaining life, no life for a durable key, and nothing for an absent or expired one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the store's clock moves only when the test says
    const store = new MemoryStore();
    await store.set('short', 'a', { ttlMs: 60_000 });
    await store.set('durable', 'b');
    await store.set('gone', 'c', { ttlMs: 1 });
    vi.advanceTimersByTime(5_000);
    expect(await store.getWithTtl('short')).toEqual({ value: 'a', ttlMs: 55_000 });
    expect(await store.getWithTtl('durable')).toEqual({ value: 'b', ttlMs: undefined });
    expect(await store.getWithTtl('gone')).toBeUndefined();
    expect(await store.getWithTtl('never')).toBeUndefined();
  });
});
