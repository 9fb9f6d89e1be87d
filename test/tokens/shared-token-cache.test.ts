/**
 * SharedTokenCache, the heart of token sharing, with two caches standing for two
 * replicas over one store (in memory, and the real Redis). The mint function is the
 * token endpoint's stand-in: what matters is how often, and when, it is called.
 */
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { type TokenTimings, loadConfig } from '../../src/config/index.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { SharedTokenCache } from '../../src/tokens/shared-token-cache.js';
import { TokenRecords } from '../../src/tokens/token-records.js';
import { TokenSourceError } from '../../src/tokens/token-source-error.js';
import { decodeTokenRecord, encodeTokenRecord } from '../../src/tokens/token-record.js';
import { WechatApiError } from '../../src/wechat/errors.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';

const logger = pino({ level: 'silent' });
/** The configured timings, with `changes` to them (the lock's merged into the configured lock). */
const { tokens: TIMINGS } = loadConfig({});
function timings(changes: { lock?: Partial<TokenTimings['lock']> } & Partial<Omit<TokenTimings, 'lock'>> = {}): TokenTimings {
  return { ...TIMINGS, ...changes, lock: { ...TIMINGS.lock, ...changes.lock } };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Stops Date.now, so a back-off ends when the test moves the clock on, not when a busy machine gets round to the next call. */
const freezeClock = () => vi.useFakeTimers({ toFake: ['Date'] });
afterEach(() => {
  vi.useRealTimers();
});

/** A cache over `store`, as one replica has it: the records' owner with the configured refresh point (or `refreshAtFraction`). */
function cacheOver(store: KeyValueStore, keys: StoreKeys, cacheTimings: TokenTimings, refreshAtFraction = cacheTimings.refreshAtFraction) {
  return new SharedTokenCache({ records: new TokenRecords({ store, keys, refreshAtFraction }), logger, timings: cacheTimings });
}

function minter(prefix = 'token') {
  let count = 0;
  const mint = async () => {
    count += 1;
    await sleep(20);
    return { token: `${prefix}-${count}`, expiresInSeconds: 7200 };
  };
  return { mint, calls: () => count };
}

function behaviours(name: string, open: () => Promise<{ store: KeyValueStore; keys: StoreKeys; close(): Promise<void> }>) {
  describe(name, () => {
    async function replicas() {
      const { store, keys, close } = await open();
      const replica = () => cacheOver(store, keys, timings({ lock: { pollMs: 10 } }));
      return { store, keys, close, one: replica(), two: replica(), key: `${keys.prefix}authorizer:wx0000000000000001:access-token` };
    }

    it('mints once for many concurrent callers on two replicas', async () => {
      const { one, two, key, close } = await replicas();
      const { mint, calls } = minter();
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? one : two).get(key, mint)));
      expect(new Set(tokens)).toEqual(new Set(['token-1']));
      expect(calls()).toBe(1);
      await close();
    });

    it('leaves a token another replica already replaced when a late invalidate arrives (compare-and-delete)', async () => {
      const { one, two, key, close } = await replicas();
      const { mint } = minter();
      const first = await one.get(key, mint);
      expect(await two.invalidate(key, first)).toBe(true);
      const second = await two.get(key, mint);
      expect(await one.invalidate(key, first)).toBe(false);
      expect(await one.get(key, mint)).toBe(second);
      await close();
    });

    it('waits for the replica holding the refresh lock instead of minting a rival token', async () => {
      const { store, keys, one, key, close } = await replicas();
      await store.set(keys.lock(key), 'another-replica', { ttlMs: 5_000, onlyIfAbsent: true });
      const { mint, calls } = minter();
      const waiting = one.get(key, mint);
      await sleep(50);
      await store.set(key, encodeTokenRecord({ token: 'from-the-other-replica', refreshAt: Date.now() + 60_000, expiresAt: Date.now() + 120_000 }));
      expect(await waiting).toBe('from-the-other-replica');
      expect(calls()).toBe(0);
      await close();
    });

    it('takes over when the lock holder gives up without a token', async () => {
      const { store, keys, one, key, close } = await replicas();
      await store.set(keys.lock(key), 'another-replica', { ttlMs: 5_000, onlyIfAbsent: true });
      const { mint, calls } = minter();
      const waiting = one.get(key, mint);
      await sleep(50);
      await store.compareAndDelete(keys.lock(key), 'another-replica');
      expect(await waiting).toBe('token-1');
      expect(calls()).toBe(1);
      await close();
    });

    it('gives up with refresh-timeout when the lock holder never delivers', async () => {
      const { store, keys, key, close } = await open().then(async (opened) => ({ ...opened, key: `${opened.keys.prefix}component:access-token` }));
      const cache = cacheOver(store, keys, timings({ lock: { pollMs: 10, waitMs: 150 } }));
      await store.set(keys.lock(key), 'stuck-replica', { ttlMs: 5_000, onlyIfAbsent: true });
      const error = await cache.get(key, minter().mint).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(TokenSourceError);
      expect((error as TokenSourceError).failure).toBe('refresh-timeout');
      await close();
    });

    it('serves the current token past 85% of its life while one background refresh replaces it', async () => {
      const { store, one, key, close } = await replicas();
      await store.set(key, encodeTokenRecord({ token: 'aging', refreshAt: Date.now() - 1, expiresAt: Date.now() + 60_000 }));
      const { mint, calls } = minter('renewed');
      expect(await Promise.all([one.get(key, mint), one.get(key, mint)])).toEqual(['aging', 'aging']);
      // The refresh runs behind the callers: wait for it to land in the store.
      await expect.poll(async () => decodeTokenRecord(await store.get(key))?.token, { timeout: 10_000, interval: 10 }).toBe('renewed-1');
      expect(await one.get(key, mint)).toBe('renewed-1');
      expect(calls()).toBe(1);
      await close();
    });

    it('backs off after a failed mint, answering every replica with the same error', async () => {
      const { one, two, key, close } = await replicas();
      let calls = 0;
      const failing = async () => {
        calls += 1;
        throw new WechatApiError('/cgi-bin/component/api_authorizer_token', 45009, 'reach max api daily quota limit rid: 0a1b2c3d-0a1b2c3d-0a1b2c3d');
      };
      freezeClock(); // both calls fall inside the 1 s back-off
      await expect(one.get(key, failing)).rejects.toMatchObject({ errcode: 45009 });
      await expect(two.get(key, failing)).rejects.toMatchObject({ errcode: 45009, rid: '0a1b2c3d-0a1b2c3d-0a1b2c3d' });
      expect(calls).toBe(1);
      await close();
    });

    it('schedules the refresh ahead at the configured share of a token’s life', async () => {
      const { store, keys, key, close } = await replicas();
      const cache = cacheOver(store, keys, timings(), 0.5);
      const before = Date.now();
      await cache.get(key, async () => ({ token: 'halfway', expiresInSeconds: 100 }));
      const after = Date.now();
      const record = JSON.parse((await store.get(key))!) as { refreshAt: number; expiresAt: number };
      // Half of the 100 s life after the moment it was minted, somewhere between before and after.
      expect(record.refreshAt).toBeGreaterThanOrEqual(before + 50_000);
      expect(record.refreshAt).toBeLessThanOrEqual(after + 50_000);
      expect(record.expiresAt - record.refreshAt).toBe(50_000);
      await close();
    });

    it('backs off for the configured first wait, doubling up to the configured ceiling', async () => {
      const { store, keys, key, close } = await replicas();
      const cache = cacheOver(store, keys, timings({ refreshBackoff: { firstMs: 1_000, maxMs: 1_500 } }));
      let calls = 0;
      const failing = async () => {
        calls += 1;
        throw new WechatApiError('/cgi-bin/component/api_authorizer_token', -1, 'system error');
      };
      freezeClock();
      await expect(cache.get(key, failing)).rejects.toMatchObject({ errcode: -1 });
      await expect(cache.get(key, failing)).rejects.toMatchObject({ errcode: -1 });
      expect(calls).toBe(1);
      vi.advanceTimersByTime(1_000); // the first back-off
      await expect(cache.get(key, failing)).rejects.toMatchObject({ errcode: -1 });
      expect(calls).toBe(2);
      const failure = JSON.parse((await store.get(keys.failure(key)))!) as { count: number; until: number };
      expect(failure.count).toBe(2);
      // 1 s doubled is 2 s, held to the 1.5 s ceiling.
      expect(failure.until).toBe(Date.now() + 1_500);
      await close();
    });

    it('stores nothing when the lock was lost mid-mint (the fence), and serves what the new holder stores', async () => {
      const { store, keys, key, close } = await replicas();
      const cache = cacheOver(store, keys, timings({ lock: { ttlMs: 5_000, pollMs: 10 } }));
      const mint = async () => {
        // Paused past the lock's life: it lapsed and another replica took it.
        await store.delete(keys.lock(key));
        await store.set(keys.lock(key), 'the-replica-that-took-over', { ttlMs: 5_000 });
        return { token: 'from-the-paused-replica', expiresInSeconds: 7200 };
      };
      const served = cache.get(key, mint);
      await sleep(100);
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, encodeTokenRecord({ token: 'from-the-new-holder', refreshAt: Date.now() + 60_000, expiresAt: Date.now() + 120_000 }));
      await store.compareAndDelete(keys.lock(key), 'the-replica-that-took-over');
      expect(await served).toBe('from-the-new-holder');
      expect(await store.get(keys.lock(key))).toBeUndefined();
      await close();
    });

    it('gives a mint the deadline of the lock’s mint budget, and one run inside another mint the outer deadline', async () => {
      const { store, keys, key, close } = await replicas();
      const cache = cacheOver(store, keys, timings({ lock: { mintBudgetMs: 40_000 } }));
      const deadlines: number[] = [];
      const mint = async (deadline: number) => {
        deadlines.push(deadline);
        return { token: `t-${deadlines.length}`, expiresInSeconds: 7200 };
      };
      const before = Date.now();
      await cache.get(key, mint);
      const outer = before + 1_000;
      await cache.get(`${keys.prefix}component:access-token`, mint, outer);
      expect(deadlines[0]).toBeGreaterThanOrEqual(before + 40_000);
      expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 40_000);
      expect(deadlines[1]).toBe(outer);
      await close();
    });

    it('backs off when even a freshly minted token was rejected', async () => {
      const { one, key, close } = await replicas();
      const { mint, calls } = minter();
      const token = await one.get(key, mint);
      freezeClock(); // the next call falls inside the 1 s back-off
      const rejection = new WechatApiError('/tcb/getenvinfo', 42001, 'access_token expired rid: 00000000-00000000-00000000');
      await one.invalidate(key, token, rejection);
      await expect(one.get(key, mint)).rejects.toMatchObject({ errcode: 42001 });
      expect(calls()).toBe(1);
      await close();
    });
  });
}

describe('the refresh lock over the in-memory store', () => {
  it('is kept while a mint outlives its life, so the other replica waits and WeChat sees one mint', async () => {
    const store = new MemoryStore();
    const keys = new StoreKeys('mem-lock:');
    const key = `${keys.prefix}authorizer:wx0000000000000001:access-token`;
    // The lock lives 1 s unless renewed; the mint takes 2.5 times that. (Over Redis: test/tokens/lock-renewal.test.ts.)
    const slow = timings({ lock: { ttlMs: 1_000, pollMs: 10 } });
    const [one, two] = [cacheOver(store, keys, slow), cacheOver(store, keys, slow)];
    let calls = 0;
    const mint = async () => {
      calls += 1;
      await sleep(2_500);
      return { token: `slow-${calls}`, expiresInSeconds: 7200 };
    };
    const first = one.get(key, mint);
    await sleep(30);
    const tokens = await Promise.all([first, two.get(key, mint), sleep(1_500).then(() => two.get(key, mint))]);
    expect(tokens).toEqual(['slow-1', 'slow-1', 'slow-1']);
    expect(calls).toBe(1);
  });
});

behaviours('over the in-memory store', async () => ({ store: new MemoryStore(), keys: new StoreKeys('mem:'), close: async () => undefined }));

const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(prefixes.map((prefix) => deletePrefix(prefix)));
});

describeWithRedis('with Redis', () => {
  behaviours('over Redis', async () => {
    const prefix = uniquePrefix('token-cache');
    prefixes.push(prefix);
    const store = await RedisStore.connect({ topology: { kind: 'node', url: REDIS_TEST_URL }, logger });
    return { store, keys: new StoreKeys(prefix), close: () => store.close() };
  });
});
