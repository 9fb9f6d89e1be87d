/**
 * Who a merchant is to WeChat: the authorizer (a mini program's appid) that granted our
 * third-party platform access. Several merchants may share one authorizer. The registry
 * lives in the store (memory or Redis): AUTHORIZERS_FILE and the `authorizers` CLI write
 * it, resolvers read it, a batch of merchants per lookup.
 */
import type { KeyValueStore } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';

export interface Authorizer {
  readonly merchantId: string;
  readonly authorizerAppId: string;
}

export class AuthorizerRegistry {
  constructor(
    private readonly store: KeyValueStore,
    private readonly keys: StoreKeys,
  ) {}

  /** Each merchant's authorizer, in order; undefined where the merchant has not authorized us. */
  async findByMerchantIds(merchantIds: readonly string[]): Promise<Array<Authorizer | undefined>> {
    const appIds = await this.store.hashGet(this.keys.merchants, merchantIds);
    return merchantIds.map((merchantId, index) => {
      const authorizerAppId = appIds[index];
      return authorizerAppId === undefined ? undefined : { merchantId, authorizerAppId };
    });
  }

  async register(authorizer: Authorizer, refreshToken?: string, options: { keepStoredRefreshToken?: boolean } = {}): Promise<void> {
    if (refreshToken !== undefined) {
      await this.store.set(this.keys.refreshToken(authorizer.authorizerAppId), refreshToken, { onlyIfAbsent: options.keepStoredRefreshToken === true });
    }
    await this.store.hashSet(this.keys.merchants, authorizer.merchantId, authorizer.authorizerAppId);
  }

  /** Removes the merchant; the authorizer's refresh token stays while another merchant may use it. */
  async remove(merchantId: string): Promise<boolean> {
    return this.store.hashDelete(this.keys.merchants, merchantId);
  }

  async list(): Promise<Array<Authorizer & { readonly hasRefreshToken: boolean }>> {
    const all = await this.store.hashGetAll(this.keys.merchants);
    const merchants = Object.entries(all).sort(([a], [b]) => a.localeCompare(b));
    return Promise.all(
      merchants.map(async ([merchantId, authorizerAppId]) => ({
        merchantId,
        authorizerAppId,
        hasRefreshToken: (await this.store.get(this.keys.refreshToken(authorizerAppId))) !== undefined,
      })),
    );
  }
}
