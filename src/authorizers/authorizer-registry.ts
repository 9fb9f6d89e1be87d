/**
 * Who a merchant is to WeChat: the authorizer (a mini program's appid) that granted our
 * third-party platform access. Several merchants may share one authorizer. The registry
 * lives in the store (memory or Redis): AUTHORIZERS_FILE and the `authorizers` CLI write
 * it, resolvers read it, a batch of merchants per lookup. Under MERCHANT_AUTHORIZER_FIELD
 * the gateway names each merchant's authorizer and only the revocations here are read.
 */
import type { KeyValueStore } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';

export interface Authorizer {
  readonly merchantId: string;
  readonly authorizerAppId: string;
}

export interface AuthorizerRegistryOptions {
  /**
   * Whether lookups leave out revoked authorizers (one more store read per lookup); on
   * where the event receiver records revocations. Default true.
   */
  readonly checkRevocations?: boolean;
}

export class AuthorizerRegistry {
  private readonly checkRevocations: boolean;

  constructor(
    private readonly store: KeyValueStore,
    private readonly keys: StoreKeys,
    options: AuthorizerRegistryOptions = {},
  ) {
    this.checkRevocations = options.checkRevocations ?? true;
  }

  /**
   * Each merchant's authorizer, in order; undefined where the merchant has not authorized
   * us or its authorizer has revoked the authorization (an `unauthorized` push), so such
   * merchants never reach the token layer or WeChat.
   */
  async findByMerchantIds(merchantIds: readonly string[]): Promise<Array<Authorizer | undefined>> {
    const appIds = await this.store.hashGet(this.keys.merchants, merchantIds);
    const distinct = [...new Set(appIds.filter((appId): appId is string => appId !== undefined))];
    const revokedFlags = await this.revokedAmong(distinct);
    const revoked = new Set(distinct.filter((_appId, index) => revokedFlags[index]));
    return merchantIds.map((merchantId, index) => {
      const authorizerAppId = appIds[index];
      return authorizerAppId === undefined || revoked.has(authorizerAppId) ? undefined : { merchantId, authorizerAppId };
    });
  }

  /**
   * Whether each authorizer has revoked its authorization (an `unauthorized` push), in
   * order: one store read for them all, none where revocations are not recorded.
   */
  async revokedAmong(authorizerAppIds: readonly string[]): Promise<boolean[]> {
    if (!this.checkRevocations || authorizerAppIds.length === 0) return authorizerAppIds.map(() => false);
    const revokedAt = await this.store.hashGet(this.keys.revokedAuthorizers, authorizerAppIds);
    return revokedAt.map((at) => at !== undefined);
  }

  /** The authorizer withdrew its authorization: its merchants are not authorized until it authorizes again. */
  async revoke(authorizerAppId: string, at = new Date()): Promise<void> {
    await this.store.hashSet(this.keys.revokedAuthorizers, authorizerAppId, at.toISOString());
  }

  /** The authorizer authorized (again); returns whether it had been revoked. */
  async reinstate(authorizerAppId: string): Promise<boolean> {
    return this.store.hashDelete(this.keys.revokedAuthorizers, authorizerAppId);
  }

  async register(authorizer: Authorizer, refreshToken?: string, options: { keepStoredRefreshToken?: boolean } = {}): Promise<void> {
    if (refreshToken !== undefined) {
      await this.store.set(this.keys.refreshToken(authorizer.authorizerAppId), refreshToken, { onlyIfAbsent: options.keepStoredRefreshToken === true });
    }
    await this.store.hashSet(this.keys.merchants, authorizer.merchantId, authorizer.authorizerAppId);
  }

  /**
   * Stores `refreshToken` unless another is stored already: a set-if-absent, so a token
   * written meanwhile (an `authorized` push, another operator) is never overwritten.
   * Returns whether `refreshToken` is now the stored one.
   */
  async storeRefreshTokenIfAbsent(authorizerAppId: string, refreshToken: string): Promise<boolean> {
    const key = this.keys.refreshToken(authorizerAppId);
    if (await this.store.set(key, refreshToken, { onlyIfAbsent: true })) return true;
    return (await this.store.get(key)) === refreshToken;
  }

  /** Removes the merchant; the authorizer's refresh token stays while another merchant may use it. */
  async remove(merchantId: string): Promise<boolean> {
    return this.store.hashDelete(this.keys.merchants, merchantId);
  }

  /** The authorizer the merchant is registered to, if any. */
  async authorizerOf(merchantId: string): Promise<string | undefined> {
    return (await this.store.hashGet(this.keys.merchants, [merchantId]))[0];
  }

  /** The merchants registered to the authorizer, sorted. */
  async merchantsOf(authorizerAppId: string): Promise<string[]> {
    const all = await this.store.hashGetAll(this.keys.merchants);
    return Object.keys(all)
      .filter((merchantId) => all[merchantId] === authorizerAppId)
      .sort();
  }

  /** Whether a refresh token is stored for the authorizer, and whether it is `candidate` (never the token itself). */
  async refreshTokenState(authorizerAppId: string, candidate?: string): Promise<{ stored: boolean; same: boolean }> {
    const stored = await this.store.get(this.keys.refreshToken(authorizerAppId));
    return { stored: stored !== undefined, same: stored !== undefined && stored === candidate };
  }

  /** Deletes the authorizer's refresh token and cached access token: only once no merchant uses it. */
  async forgetAuthorizer(authorizerAppId: string): Promise<void> {
    await this.store.delete(this.keys.refreshToken(authorizerAppId));
    await this.store.delete(this.keys.authorizerToken(authorizerAppId));
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
