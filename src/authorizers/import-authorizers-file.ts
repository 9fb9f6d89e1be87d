/**
 * Loads AUTHORIZERS_FILE into the registry at start-up, in every store mode. A refresh
 * token the store already holds is kept: it may be newer than the file's (WeChat can hand
 * back a new one at any refresh). Fixed access tokens stay in this process only.
 */
import { acceptUnacknowledged } from '../store/key-value-store.js';
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
    // The file is read again at every start: a write no replica acknowledged (logged) loses nothing it does not hold.
    await registry.register({ merchantId, authorizerAppId }, authorizerRefreshToken, { keepStoredRefreshToken: true }).catch(acceptUnacknowledged);
    if (authorizerAccessToken !== undefined) fixedTokens.set(authorizerAppId, authorizerAccessToken);
  }
  return {
    merchants: entries.length,
    fixedTokens,
  };
}
