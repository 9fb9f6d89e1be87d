/**
 * Who a merchant is to WeChat: the authorizer (a mini program's appid) that granted our
 * third-party platform access. Several merchants may share one authorizer.
 */
export interface Authorizer {
  readonly merchantId: string;
  readonly authorizerAppId: string;
}

export interface AuthorizerRegistry {
  /** The merchant's authorizer, or undefined when the merchant has not authorized us. */
  findByMerchantId(merchantId: string): Promise<Authorizer | undefined>;
}
