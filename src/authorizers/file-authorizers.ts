/**
 * The registry and token source behind AUTHORIZERS_FILE: fixed entries held in memory.
 * Fixed tokens cannot be refreshed, so a rejected one surfaces as an error to the client.
 */
import type { AuthorizerTokenSource } from '../tokens/token-source.js';
import type { Authorizer, AuthorizerRegistry } from './authorizer-registry.js';
import type { AuthorizersFileEntry } from './authorizers-file.js';

export class FileAuthorizers implements AuthorizerRegistry, AuthorizerTokenSource {
  private readonly byMerchant = new Map<string, Authorizer>();
  private readonly tokenByAppId = new Map<string, string>();

  constructor(entries: readonly AuthorizersFileEntry[]) {
    for (const { merchantId, authorizerAppId, authorizerAccessToken } of entries) {
      this.byMerchant.set(merchantId, Object.freeze({ merchantId, authorizerAppId }));
      this.tokenByAppId.set(authorizerAppId, authorizerAccessToken);
    }
  }

  get merchantCount(): number {
    return this.byMerchant.size;
  }

  async findByMerchantId(merchantId: string): Promise<Authorizer | undefined> {
    return this.byMerchant.get(merchantId);
  }

  async getToken(authorizerAppId: string): Promise<string> {
    const token = this.tokenByAppId.get(authorizerAppId);
    if (token === undefined) throw new Error(`AUTHORIZERS_FILE has no access token for authorizer ${authorizerAppId}`);
    return token;
  }

  async invalidate(): Promise<void> {
    // A fixed token has nothing to refresh from; the next issue's token flow does.
  }
}
