/** The registry's revocations: a revoked authorizer's merchants are not found until it authorizes again. */
import { describe, expect, it } from 'vitest';
import { AuthorizerRegistry } from '../../src/authorizers/authorizer-registry.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';

const SHARED = 'wx5f3c0a1b2c3d4e5f';
const OTHER = 'wx8a61d2e4b7c90f13';

async function registry(options?: { checkRevocations?: boolean }) {
  const store = new MemoryStore();
  const keys = new StoreKeys('t:');
  const seeded = new AuthorizerRegistry(store, keys, options);
  await seeded.register({ merchantId: 'm_1', authorizerAppId: SHARED });
  await seeded.register({ merchantId: 'm_2', authorizerAppId: SHARED });
  await seeded.register({ merchantId: 'm_3', authorizerAppId: OTHER });
  return seeded;
}

describe('AuthorizerRegistry revocations', () => {
  it("leaves out every merchant of a revoked authorizer, and only those, until it is reinstated", async () => {
    const authorizers = await registry();
    await authorizers.revoke(SHARED);

    expect(await authorizers.findByMerchantIds(['m_1', 'm_2', 'm_3'])).toEqual([undefined, undefined, { merchantId: 'm_3', authorizerAppId: OTHER }]);
    expect(await authorizers.reinstate(SHARED)).toBe(true);
    expect(await authorizers.findByMerchantIds(['m_1', 'm_3'])).toEqual([
      { merchantId: 'm_1', authorizerAppId: SHARED },
      { merchantId: 'm_3', authorizerAppId: OTHER },
    ]);
    expect(await authorizers.reinstate(SHARED)).toBe(false);
  });

  it('ignores revocations where nothing records them (no event receiver)', async () => {
    const authorizers = await registry({ checkRevocations: false });
    await authorizers.revoke(SHARED);
    expect(await authorizers.findByMerchantIds(['m_1'])).toEqual([{ merchantId: 'm_1', authorizerAppId: SHARED }]);
  });

  it('knows which merchants use an authorizer, for the CLI and the receiver', async () => {
    const authorizers = await registry();
    expect(await authorizers.merchantsOf(SHARED)).toEqual(['m_1', 'm_2']);
    expect(await authorizers.authorizerOf('m_3')).toBe(OTHER);
    expect(await authorizers.authorizerOf('m_9')).toBeUndefined();
  });
});

describe('AuthorizerRegistry seeding and removals', () => {
  it('maps a merchant the registry lacks, and leaves one it maps elsewhere where it is (HSETNX)', async () => {
    const authorizers = await registry();
    expect(await authorizers.registerIfAbsent({ merchantId: 'm_9', authorizerAppId: OTHER })).toBe(OTHER);
    expect(await authorizers.registerIfAbsent({ merchantId: 'm_1', authorizerAppId: OTHER })).toBe(SHARED);
    expect(await authorizers.authorizerOf('m_1')).toBe(SHARED);
  });

  it('remembers a removal until the merchant is registered again', async () => {
    const authorizers = await registry();
    expect(await authorizers.remove('m_3', new Date('2025-01-02T03:04:05Z'))).toBe(true);
    expect(await authorizers.removedAt(['m_3', 'm_1'])).toEqual(['2025-01-02T03:04:05.000Z', undefined]);
    await authorizers.register({ merchantId: 'm_3', authorizerAppId: OTHER });
    expect(await authorizers.removedAt(['m_3'])).toEqual([undefined]);
    expect(await authorizers.remove('m_never')).toBe(false);
    expect(await authorizers.removedAt(['m_never'])).toEqual([undefined]);
  });

  it('answers a missing merchant as a store outage when the store lost its records, and as unknown otherwise', async () => {
    const store = new MemoryStore();
    const keys = new StoreKeys('t:');
    let intact = false;
    const authorizers = new AuthorizerRegistry(store, keys, { storeIntact: async () => intact });
    await expect(authorizers.findByMerchantIds(['m_1'])).rejects.toThrow(/token store is unavailable: it has lost its records/);
    intact = true;
    expect(await authorizers.findByMerchantIds(['m_1'])).toEqual([undefined]);
  });
});
