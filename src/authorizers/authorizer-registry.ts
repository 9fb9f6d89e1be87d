/**
 * Who a merchant is to WeChat: the authorizer (a mini program's appid) that granted our
 * third-party platform access. Several merchants may share one authorizer. The registry
 * lives in the store (memory or Redis): AUTHORIZERS_FILE seeds it and the `authorizers`
 * CLI changes it; resolvers read it, a batch of merchants per lookup. It holds merchants
 * only: an authorizer's tokens are the token layer's records (src/tokens/token-records.ts).
 * Under MERCHANT_AUTHORIZER_FIELD the gateway names each merchant's authorizer and only the
 * revocations here are read.
 */
import { StoreUnavailableError, type KeyValueStore } from '../store/key-value-store.js';
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
  /**
   * Asked when a lookup finds a merchant missing: false when the store has lost its records
   * (store-marker.ts), so the merchant is answered as a store outage being recovered rather
   * than as never authorized.
   */
  readonly storeIntact?: () => Promise<boolean>;
}

export class AuthorizerRegistry {
  private readonly checkRevocations: boolean;

  constructor(
    private readonly store: KeyValueStore,
    private readonly keys: StoreKeys,
    private readonly options: AuthorizerRegistryOptions = {},
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
    if (this.options.storeIntact && appIds.includes(undefined) && !(await this.options.storeIntact())) {
      throw new StoreUnavailableError('it has lost its records (a flush, an eviction or a failover to an empty replica); they are being recovered');
    }
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

  /** An operator's change: maps the merchant to the authorizer, moving it if it was mapped elsewhere, even if it had been removed. */
  async register(authorizer: Authorizer): Promise<void> {
    await this.store.hashSet(this.keys.merchants, authorizer.merchantId, authorizer.authorizerAppId);
    await this.store.hashDelete(this.keys.removedMerchants, authorizer.merchantId);
  }

  /**
   * Seeding: maps the merchant only if the registry has no mapping for it (HSETNX), so a
   * mapping an operator changed is never overwritten. Returns the appid it is mapped to now.
   */
  async registerIfAbsent(authorizer: Authorizer): Promise<string> {
    if (await this.store.hashSetIfAbsent(this.keys.merchants, authorizer.merchantId, authorizer.authorizerAppId)) return authorizer.authorizerAppId;
    return (await this.authorizerOf(authorizer.merchantId)) ?? authorizer.authorizerAppId;
  }

  /** Removes the merchant, remembering that an operator did (the file must not bring it back); the authorizer's tokens are the caller's business. */
  async remove(merchantId: string, at = new Date()): Promise<boolean> {
    const removed = await this.store.hashDelete(this.keys.merchants, merchantId);
    if (removed) await this.store.hashSet(this.keys.removedMerchants, merchantId, at.toISOString());
    return removed;
  }

  /** When each merchant was removed through the CLI, if it was (ISO instants). */
  removedAt(merchantIds: readonly string[]): Promise<Array<string | undefined>> {
    return this.store.hashGet(this.keys.removedMerchants, merchantIds);
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

  /** Every authorizer some merchant is mapped to. */
  async mappedAuthorizers(): Promise<Set<string>> {
    return new Set(Object.values(await this.store.hashGetAll(this.keys.merchants)));
  }

  /** Every merchant with its authorizer, sorted by merchant id. */
  async list(): Promise<Authorizer[]> {
    const all = await this.store.hashGetAll(this.keys.merchants);
    return Object.entries(all)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([merchantId, authorizerAppId]) => ({ merchantId, authorizerAppId }));
  }
}
