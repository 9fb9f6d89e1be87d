/**
 * Where an authorizer's access token comes from. The loader asks for a token when it is
 * about to call WeChat and hands back one that WeChat rejected, so a source that can
 * refresh tokens replaces it only if it is still the one that failed.
 */
export interface AuthorizerTokenSource {
  /** A current access token for the authorizer; rejects when none can be had. */
  getToken(authorizerAppId: string): Promise<string>;
  /**
   * WeChat rejected `token`: forget it if it is still the current one. `rejection` is
   * given when the token had just been minted, so minting another at once would not help.
   */
  invalidate(authorizerAppId: string, token: string, rejection?: unknown): Promise<void>;
}
