/**
 * When the tokens minted here are refreshed and how a failed refresh backs off; and the
 * refresh lock's timings, which no variable sets but which live here with the rest so the
 * token layer has one owner of its numbers.
 */
import { z } from 'zod';
import { rulesOver } from './model.js';
import { integer } from './variables.js';

export const tokensModel = z.object({
  TOKEN_REFRESH_AT_PERCENT: integer('TOKEN_REFRESH_AT_PERCENT', 10, 95, 85),
  TOKEN_REFRESH_BACKOFF_MS: integer('TOKEN_REFRESH_BACKOFF_MS', 10, 600_000, 1_000),
  TOKEN_REFRESH_MAX_BACKOFF_MS: integer('TOKEN_REFRESH_MAX_BACKOFF_MS', 10, 3_600_000, 60_000),
});

export type TokensVariables = z.output<typeof tokensModel>;

export interface TokenTimings {
  /** Share of a minted token's life after which it is refreshed ahead (TOKEN_REFRESH_AT_PERCENT / 100). */
  readonly refreshAtFraction: number;
  /** Back-off after a failed refresh: first wait, doubling per failure up to the ceiling. */
  readonly refreshBackoff: { readonly firstMs: number; readonly maxMs: number };
  /**
   * The store lock one refresh holds across replicas: held at most ttlMs (past it another
   * replica may take over); a caller waits at most waitMs for another replica's refresh,
   * looking every pollMs.
   */
  readonly lock: { readonly ttlMs: number; readonly waitMs: number; readonly pollMs: number };
}

const REFRESH_LOCK = Object.freeze({ ttlMs: 15_000, waitMs: 10_000, pollMs: 25 });

const rule = rulesOver<TokensVariables>();

export const tokensRules = [
  rule(
    ['TOKEN_REFRESH_BACKOFF_MS', 'TOKEN_REFRESH_MAX_BACKOFF_MS'],
    ({ TOKEN_REFRESH_BACKOFF_MS: first, TOKEN_REFRESH_MAX_BACKOFF_MS: max }) =>
      first > max && `TOKEN_REFRESH_MAX_BACKOFF_MS (${max}) must be at least TOKEN_REFRESH_BACKOFF_MS (${first}): it is the ceiling the doubling back-off stops at`,
  ),
];

export function tokenTimings(values: TokensVariables): TokenTimings {
  return {
    refreshAtFraction: values.TOKEN_REFRESH_AT_PERCENT / 100,
    refreshBackoff: Object.freeze({ firstMs: values.TOKEN_REFRESH_BACKOFF_MS, maxMs: values.TOKEN_REFRESH_MAX_BACKOFF_MS }),
    lock: REFRESH_LOCK,
  };
}
