/**
 * When the tokens minted here are refreshed and how a failed refresh backs off; and the
 * timings no variable sets but which live here with the rest so the token layer has one
 * owner of its numbers: the refresh lock, and how lost records are asked back from WeChat.
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
   * The store lock one refresh holds across replicas: it lives ttlMs unless its holder,
   * alive, renews it (every third of that), so a replica that dies frees it soon while a
   * slow WeChat answer keeps it; a mint's WeChat calls must end within mintBudgetMs of
   * taking it; a caller waits at most waitMs for another replica's refresh, looking every
   * pollMs at first.
   */
  readonly lock: { readonly ttlMs: number; readonly mintBudgetMs: number; readonly waitMs: number; readonly pollMs: number };
  /** Asking WeChat for what the store lost: the verify ticket and the refresh tokens. */
  readonly recovery: RecoveryTimings;
}

export interface RecoveryTimings {
  /** How often each replica looks at the stored ticket and the store's marker. */
  readonly checkEveryMs: number;
  /** A stored ticket older than this means WeChat stopped pushing: ask it to resume (it is still used: tickets last 12 hours). */
  readonly ticketStaleAfterMs: number;
  /** A ticket older than this is not used (WeChat's tickets are valid 12 hours). */
  readonly ticketExpiresAfterMs: number;
  /** api_start_push_ticket is asked again after this long without a ticket, doubling per ask up to ticketAskMaxMs. */
  readonly ticketAskFirstMs: number;
  readonly ticketAskMaxMs: number;
  /** api_get_authorizer_list passes: at most `listPassBurst` at once per replica, one more every listPassRefillMs. */
  readonly listPassBurst: number;
  readonly listPassRefillMs: number;
}

const REFRESH_LOCK_TTL_MS = 15_000;

const RECOVERY: RecoveryTimings = Object.freeze({
  checkEveryMs: 5_000,
  ticketStaleAfterMs: 30 * 60_000,
  ticketExpiresAfterMs: 12 * 60 * 60_000,
  ticketAskFirstMs: 5_000,
  ticketAskMaxMs: 10 * 60_000,
  listPassBurst: 2,
  listPassRefillMs: 10 * 60_000,
});

const rule = rulesOver<TokensVariables>();

export const tokensRules = [
  rule(
    ['TOKEN_REFRESH_BACKOFF_MS', 'TOKEN_REFRESH_MAX_BACKOFF_MS'],
    ({ TOKEN_REFRESH_BACKOFF_MS: first, TOKEN_REFRESH_MAX_BACKOFF_MS: max }) =>
      first > max && `TOKEN_REFRESH_MAX_BACKOFF_MS (${max}) must be at least TOKEN_REFRESH_BACKOFF_MS (${first}): it is the ceiling the doubling back-off stops at`,
  ),
];

/**
 * `wechatTimeoutMs` (WECHAT_TIMEOUT_MS) bounds a mint: one call to WeChat takes at most three
 * attempts of it (the first and two retries on "busy"), and a mint makes up to three calls
 * (the component token, the authorizer token, once more after a 61023 cured from the
 * authorizer list), so its calls get 10 of it, and a waiting caller that much and a lock's life.
 */
export function tokenTimings(values: TokensVariables, wechatTimeoutMs: number): TokenTimings {
  const mintBudgetMs = 10 * wechatTimeoutMs;
  return {
    refreshAtFraction: values.TOKEN_REFRESH_AT_PERCENT / 100,
    refreshBackoff: Object.freeze({ firstMs: values.TOKEN_REFRESH_BACKOFF_MS, maxMs: values.TOKEN_REFRESH_MAX_BACKOFF_MS }),
    lock: Object.freeze({ ttlMs: REFRESH_LOCK_TTL_MS, mintBudgetMs, waitMs: mintBudgetMs + REFRESH_LOCK_TTL_MS, pollMs: 25 }),
    recovery: RECOVERY,
  };
}
