/**
 * AUTHORIZERS_FILE seeds the registry; the store decides. At start-up (and again after the
 * store lost its records) the file adds the merchants the store lacks, with their refresh
 * tokens set-if-absent, and never changes what an operator changed through the CLI: a
 * merchant the registry maps to another authorizer (a move with --replace) stays there,
 * a merchant removed through the CLI stays removed, a refresh token the store holds stays
 * (WeChat may have handed back a newer one). What it did not apply is logged, one line per
 * kind, naming merchants and never a token. Without a store (memory) the registry starts
 * empty every time, so the file is the registry. Fixed access tokens stay in this process.
 */
import { acceptUnacknowledged } from '../store/key-value-store.js';
import type { Logger } from 'pino';
import type { AuthorizerRegistry } from './authorizer-registry.js';
import type { AuthorizersFileEntry } from './authorizers-file.js';

/** Where the file's refresh tokens go (the token layer's records). */
export interface RefreshTokenSeeds {
  /** Stores the token unless another is stored; returns whether it is now the stored one. */
  storeRefreshTokenIfAbsent(authorizerAppId: string, refreshToken: string): Promise<boolean>;
}

export interface SeedReport {
  /** Entries in the file. */
  readonly merchants: number;
  /** Merchants the registry maps as the file does (added now, or already there). */
  readonly applied: number;
  /** Authorizer appid → fixed access token. */
  readonly fixedTokens: ReadonlyMap<string, string>;
  /** Merchants the registry maps to another authorizer than the file does. */
  readonly moved: ReadonlyArray<{ readonly merchantId: string; readonly file: string; readonly registry: string }>;
  /** Merchants removed through the CLI, with when. */
  readonly removed: ReadonlyArray<{ readonly merchantId: string; readonly at: string }>;
  /** Merchants whose authorizer's stored refresh token differs from the file's, which was not written. */
  readonly refreshTokenKept: readonly string[];
}

export async function seedRegistry(entries: readonly AuthorizersFileEntry[], registry: AuthorizerRegistry, refreshTokens: RefreshTokenSeeds): Promise<SeedReport> {
  const fixedTokens = new Map<string, string>();
  const moved: Array<SeedReport['moved'][number]> = [];
  const removed: Array<SeedReport['removed'][number]> = [];
  const refreshTokenKept: string[] = [];
  const removedAt = await registry.removedAt(entries.map((entry) => entry.merchantId));
  let applied = 0;
  for (const [index, { merchantId, authorizerAppId, authorizerRefreshToken, authorizerAccessToken }] of entries.entries()) {
    if (authorizerAccessToken !== undefined) fixedTokens.set(authorizerAppId, authorizerAccessToken);
    const at = removedAt[index];
    if (at !== undefined) {
      removed.push({ merchantId, at });
      continue;
    }
    // Unacknowledged by a replica, the mapping is still on the master (and logged); the file is read again at every start.
    const mapped = await registry.registerIfAbsent({ merchantId, authorizerAppId }).catch((error: unknown) => {
      acceptUnacknowledged(error);
      return authorizerAppId;
    });
    if (mapped !== authorizerAppId) {
      moved.push({ merchantId, file: authorizerAppId, registry: mapped });
      continue;
    }
    applied += 1;
    if (authorizerRefreshToken !== undefined && !(await refreshTokens.storeRefreshTokenIfAbsent(authorizerAppId, authorizerRefreshToken))) refreshTokenKept.push(merchantId);
  }
  return { merchants: entries.length, applied, fixedTokens, moved, removed, refreshTokenKept };
}

/** One line for what was applied, one per kind of what was not; merchant ids and appids only. */
export function logSeedReport(report: SeedReport, logger: Logger, authorizersFile: string | undefined): void {
  const { moved, removed, refreshTokenKept } = report;
  if (moved.length > 0) {
    logger.warn(
      { authorizersFile, merchants: moved.map(({ merchantId }) => merchantId) },
      `AUTHORIZERS_FILE not applied to ${moved.length} merchant(s) the registry maps to another authorizer (moved through the CLI; the registry decides): ${moved.map(({ merchantId, file, registry }) => `${merchantId} (file ${file}, registry ${registry})`).join(', ')}`,
    );
  }
  if (removed.length > 0) {
    logger.warn(
      { authorizersFile, merchants: removed.map(({ merchantId }) => merchantId) },
      `AUTHORIZERS_FILE not applied to ${removed.length} merchant(s) removed through the CLI (remove them from the file, or add them again with the CLI): ${removed.map(({ merchantId, at }) => `${merchantId} (removed ${at})`).join(', ')}`,
    );
  }
  if (refreshTokenKept.length > 0) {
    logger.info(
      { authorizersFile, merchants: refreshTokenKept },
      `AUTHORIZERS_FILE refresh tokens not applied for ${refreshTokenKept.join(', ')}: the store holds another, which may be newer (WeChat hands back new ones)`,
    );
  }
}
