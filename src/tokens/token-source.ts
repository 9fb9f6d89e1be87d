/**
 * Where an authorizer's access token comes from. Callers run their WeChat call through
 * `withToken`, which heals a rejected token (token-healing.ts); a source that can refresh
 * tokens replaces one only if it is still the one that failed.
 */
export interface AuthorizerTokenSource {
  /** Runs `call` with the authorizer's token; if WeChat rejects it (40001/40014/42001), once more with a fresh one. */
  withToken<T>(authorizerAppId: string, call: (token: string) => Promise<T>): Promise<T>;
  /** A current access token for the authorizer; rejects when none can be had. */
  getToken(authorizerAppId: string): Promise<string>;
  /**
   * WeChat rejected `token`: forget it if it is still the current one. `rejection` is
   * given when the token had just been minted, so minting another at once would not help.
   */
  invalidate(authorizerAppId: string, token: string, rejection?: unknown): Promise<void>;
}
