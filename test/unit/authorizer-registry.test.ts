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

describe('AuthorizerRegistry.storeRefreshTokenIfAbsent', () => {
  it('stores a refresh token where none is, and never overwrites another written meanwhile', async () => {
    const store = new MemoryStore();
    const keys = new StoreKeys('t:');
    const authorizers = new AuthorizerRegistry(store, keys);

    expect(await authorizers.storeRefreshTokenIfAbsent(SHARED, 'refresh-given')).toBe(true);
    expect(await authorizers.storeRefreshTokenIfAbsent(SHARED, 'refresh-given')).toBe(true);
    // An `authorized` push stored another for OTHER after the CLI looked and before it wrote.
    await store.set(keys.refreshToken(OTHER), 'refresh-from-the-push');
    expect(await authorizers.storeRefreshTokenIfAbsent(OTHER, 'refresh-given')).toBe(false);
    expect(await store.get(keys.refreshToken(OTHER))).toBe('refresh-from-the-push');
  });
});
