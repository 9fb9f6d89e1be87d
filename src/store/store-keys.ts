/**
 * Every key the subgraph keeps in the store, under one prefix (WECHAT_REDIS_PREFIX), so
 * several deployments can share a Redis and an operator can find everything:
 *
 *   {prefix}component:ticket                    component_verify_ticket and when it arrived (durable; written by the ticket receiver)
 *   {prefix}component:access-token              component_access_token record (TTL = expires_in)
 *   {prefix}authorizer:{appid}:access-token     authorizer_access_token record (TTL = expires_in)
 *   {prefix}authorizer:{appid}:refresh-token    authorizer_refresh_token (durable, never a TTL)
 *   {prefix}merchants                           hash: merchant id → authorizer appid
 *   {prefix}removed-merchants                   hash: merchant id → when the CLI removed it (durable), so AUTHORIZERS_FILE does not bring it back
 *   {prefix}store-marker                        written at start-up (durable): its absence says the store lost its records
 *   {prefix}recovery:authorizer-list            a recent api_get_authorizer_list pass (TTL), so replicas do not repeat it
 *   {prefix}revoked-authorizers                 hash: authorizer appid → when its `unauthorized` push arrived
 *   {prefix}authorization-code:{sha256}         an authorization code already exchanged (TTL 1 h), so a repeated push is not
 *   {prefix}lock:{key}                          refresh lock (SET NX PX, owner token)
 *   {prefix}failure:{key}                       last refresh failure, for back-off across replicas (TTL)
 *   {prefix}envinfo:{appid}                     the authorizer's last full getEnvInfo answer and when it was read
 *                                               (TTL = CLOUDENV_CACHE_TTL_MS + the longer stale window)
 *   {prefix}held-back                           hash: authorizer appid → its WeChat back-off, shared by replicas
 */
export class StoreKeys {
  constructor(readonly prefix: string) {}

  get componentTicket(): string {
    return `${this.prefix}component:ticket`;
  }

  get componentToken(): string {
    return `${this.prefix}component:access-token`;
  }

  authorizerToken(authorizerAppId: string): string {
    return `${this.prefix}authorizer:${authorizerAppId}:access-token`;
  }

  refreshToken(authorizerAppId: string): string {
    return `${this.prefix}authorizer:${authorizerAppId}:refresh-token`;
  }

  get merchants(): string {
    return `${this.prefix}merchants`;
  }

  /** Merchants the operator removed through the CLI: the file must not bring them back. */
  get removedMerchants(): string {
    return `${this.prefix}removed-merchants`;
  }

  /** Present while the store keeps what it was given; gone after a flush, an eviction or a failover to an empty replica. */
  get storeMarker(): string {
    return `${this.prefix}store-marker`;
  }

  /** Set while a recent api_get_authorizer_list pass makes another one needless, for every replica. */
  get authorizerListPass(): string {
    return `${this.prefix}recovery:authorizer-list`;
  }

  get revokedAuthorizers(): string {
    return `${this.prefix}revoked-authorizers`;
  }

  /** A push already handled, keyed by a digest of its msg_signature: the same push again changes nothing. */
  handledPush(signatureDigest: string): string {
    return `${this.prefix}handled-push:${signatureDigest}`;
  }

  /** Keyed by a digest of the code, so the store never holds the code itself. */
  authorizationCode(codeDigest: string): string {
    return `${this.prefix}authorization-code:${codeDigest}`;
  }

  /** The authorizer's last full getEnvInfo answer, shared by replicas and kept through a restart. */
  envInfo(authorizerAppId: string): string {
    return `${this.prefix}envinfo:${authorizerAppId}`;
  }

  /** The hash of authorizers held back after repeated WeChat failures. */
  get heldBack(): string {
    return `${this.prefix}held-back`;
  }

  lock(key: string): string {
    return `${this.prefix}lock:${key.slice(this.prefix.length)}`;
  }

  failure(key: string): string {
    return `${this.prefix}failure:${key.slice(this.prefix.length)}`;
  }
}
