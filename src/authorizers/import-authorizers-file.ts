/**
 * Loads AUTHORIZERS_FILE into the registry at start-up, in every store mode. A refresh
 * token the store already holds is kept: it may be newer than the file's (WeChat can hand
 * back a new one at any refresh). Fixed access tokens stay in this process only.
 */
import type { AuthorizerRegistry } from './authorizer-registry.js';
import type { AuthorizersFileEntry } from './authorizers-file.js';

export interface ImportedAuthorizers {
  readonly merchants: number;
  /** Authorizer appid → fixed access token. */
  readonly fixedTokens: ReadonlyMap<string, string>;
}

export async function importAuthorizersFile(entries: readonly AuthorizersFileEntry[], registry: AuthorizerRegistry): Promise<ImportedAuthorizers> {
  const fixedTokens = new Map<string, string>();
  for (const { merchantId, authorizerAppId, authorizerRefreshToken, authorizerAccessToken } of entries) {
    await registry.register({ merchantId, authorizerAppId }, authorizerRefreshToken, { keepStoredRefreshToken: true });
    if (authorizerAccessToken !== undefined) fixedTokens.set(authorizerAppId, authorizerAccessToken);
  }
  return {
    merchants: entries.length,
    fixedTokens,
  };
}
