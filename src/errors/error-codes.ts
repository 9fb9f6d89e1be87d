/**
 * The errcode table: how each WeChat errcode reaches a GraphQL client, and what the rest
 * of the subgraph must know of it (whether asking again can help, whether WeChat refused
 * the token itself, whether the last good answer may stand in for a fresh one). It is data:
 * the WeChat client's retry policy, the circuit breaker's failure filter, token healing,
 * the stale answers and the GraphQL mapping all read these rows. The README's
 * error table documents the same rows for client developers.
 */
import type { CallerRefusalFailure } from '../auth/caller-refusal.js';
import type { TokenSourceFailure } from '../tokens/token-source-error.js';

/** Every `extensions.code` a cloudEnvironments field error can carry: the contract with client developers. */
export const ERROR_CODES = [
  'WECHAT_BUSY',
  'WECHAT_SYSTEM_ERROR',
  'AUTHORIZER_TOKEN_INVALID',
  'AUTHORIZER_TOKEN_EXPIRED',
  'INTERNAL_SERVER_ERROR',
  'BAD_USER_INPUT',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'API_UNAUTHORIZED',
  'FORBIDDEN',
  'MERCHANT_NOT_AUTHORIZED',
  'IP_NOT_WHITELISTED',
  'PERMISSION_SET_NOT_GRANTED',
  'CLOUDBASE_NOT_ENABLED',
  'WECHAT_UPSTREAM_ERROR',
  'WECHAT_UNAVAILABLE',
  'REFRESH_TOKEN_INVALID',
  'COMPONENT_TICKET_INVALID',
  'COMPONENT_CREDENTIALS_INVALID',
  'TOKEN_STORE_UNAVAILABLE',
  'UNAUTHENTICATED',
  'AUTH_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorCodeRule {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Said to the client; WeChat's own errmsg travels in `extensions.wechat`. */
  readonly message: string;
  /** Our own bug (a malformed call), not the merchant's or WeChat's: logged at error level. */
  readonly ourBug?: true;
  /**
   * WeChat did nothing and says it is in trouble (busy, system error): the call is asked
   * again this many times within the operation's deadline, and the failure counts towards
   * opening the circuit. Unset: asked once (retrying a quota or permission error only
   * burns quota).
   */
  readonly retries?: number;
  /** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
  readonly tokenRejected?: true;
  /**
   * Not WeChat's trouble, but asking again soon only meets it again (45011: this
   * authorizer's per-minute quota is spent): when it repeats, the authorizer is held back
   * like one WeChat keeps failing for, without counting towards the host's circuit.
   */
  readonly holdsAuthorizerBack?: true;
  /**
   * What this failure to get a fresh answer does to the authorizer's last good one
   * (CLOUDENV_STALE_IF_ERROR_MS). `serve`: it says nothing about the merchant's
   * authorization or its data (WeChat in trouble, a quota, our token store or ticket), so
   * the last good answer is served as data. `forget`: it concerns authorization, or says the
   * kept list no longer holds: never served, and the kept copy is deleted at once. Unset:
   * the error is answered and the copy kept (bad input, our bugs and configuration, which an
   * operator must see). Every row of one code agrees: the rule is the code's.
   */
  readonly lastGood?: 'serve' | 'forget';
}

const rule = (code: ErrorCode, retryable: boolean, message: string, ourBug?: true): ErrorCodeRule =>
  ourBug ? { code, retryable, message, ourBug } : { code, retryable, message };

const OUR_BUG = rule('INTERNAL_SERVER_ERROR', false, 'The subgraph sent WeChat a malformed request; this is a bug on our side and has been logged.', true);

export const ERRCODE_RULES: ReadonlyMap<number, ErrorCodeRule> = new Map([
  [-1, { ...rule('WECHAT_BUSY', true, 'WeChat is busy and still was after retrying; try again shortly.'), retries: 2, lastGood: 'serve' }],
  [-1000, { ...rule('WECHAT_SYSTEM_ERROR', true, 'WeChat reported a system error, also on retry; try again shortly.'), retries: 1, lastGood: 'serve' }],
  [40001, { ...rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid or not the latest."), tokenRejected: true, lastGood: 'forget' }],
  [40014, { ...rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid."), tokenRejected: true, lastGood: 'forget' }],
  [42001, { ...rule('AUTHORIZER_TOKEN_EXPIRED', false, "The merchant's authorizer access token has expired."), tokenRejected: true, lastGood: 'forget' }],
  [41001, OUR_BUG],
  [43002, OUR_BUG],
  [44002, OUR_BUG],
  [47001, OUR_BUG],
  [40097, rule('BAD_USER_INPUT', false, 'WeChat refused the request arguments as invalid; check the env argument.')],
  [40101, rule('BAD_USER_INPUT', false, 'WeChat reported a missing request argument.')],
  [45009, { ...rule('QUOTA_EXCEEDED', false, "The daily WeChat API quota for this call is used up; it resets at midnight China time."), lastGood: 'serve' }],
  [45011, { ...rule('RATE_LIMITED', true, 'WeChat rate-limited this call (per-minute quota); retry in a minute.'), holdsAuthorizerBack: true, lastGood: 'serve' }],
  [48001, { ...rule('API_UNAUTHORIZED', false, "The merchant's mini program does not have the getEnvInfo capability."), lastGood: 'forget' }],
  [50001, { ...rule('FORBIDDEN', false, 'WeChat refused access for this merchant (user unauthorized).'), lastGood: 'forget' }],
  [61003, { ...rule('MERCHANT_NOT_AUTHORIZED', false, 'The merchant has not authorized (or has revoked) our WeChat third-party platform.'), lastGood: 'forget' }],
  [61004, rule('IP_NOT_WHITELISTED', false, "The subgraph's outbound IP is not on the third-party platform's WeChat whitelist.")],
  [40164, rule('IP_NOT_WHITELISTED', false, "The subgraph's outbound IP is not on the WeChat whitelist.")],
  [61007, { ...rule('PERMISSION_SET_NOT_GRANTED', false, 'The merchant did not grant our platform the cloud development permission set (49); ask them to re-authorize with it.'), lastGood: 'forget' }],
  [85088, { ...rule('CLOUDBASE_NOT_ENABLED', false, "Cloud development (CloudBase) is not enabled for the merchant's mini program."), lastGood: 'forget' }],
  // The token endpoints' own errcodes (api_component_token, api_authorizer_token).
  [61023, { ...rule('REFRESH_TOKEN_INVALID', false, "WeChat no longer accepts the merchant's authorizer refresh token; the merchant must authorize our platform again."), lastGood: 'forget' }],
  [61005, { ...rule('COMPONENT_TICKET_INVALID', false, "WeChat refused our platform's component_verify_ticket as expired; the ticket receiver has not stored a newer one."), lastGood: 'serve' }],
  [61006, { ...rule('COMPONENT_TICKET_INVALID', false, "WeChat refused our platform's component_verify_ticket as invalid."), lastGood: 'serve' }],
  [40013, rule('COMPONENT_CREDENTIALS_INVALID', false, "WeChat refused our platform's component appid; check WECHAT_COMPONENT_APPID.")],
  [40125, rule('COMPONENT_CREDENTIALS_INVALID', false, "WeChat refused our platform's component appsecret; check WECHAT_COMPONENT_APPSECRET.")],
]);

export const OTHER_ERRCODE = rule('WECHAT_UPSTREAM_ERROR', false, 'WeChat answered with an error; see extensions.wechat for its errcode and rid.');

export const WECHAT_UNAVAILABLE: ErrorCodeRule = { ...rule('WECHAT_UNAVAILABLE', true, 'WeChat could not be reached or answered unreadably; try again shortly.'), lastGood: 'serve' };

/** Failures to get a token that are not an answer from WeChat. */
export const TOKEN_SOURCE_RULES: ReadonlyMap<TokenSourceFailure, ErrorCodeRule> = new Map([
  ['refresh-token-missing', { ...rule('REFRESH_TOKEN_INVALID', false, "No refresh token is stored for the merchant's authorizer; it must be registered again or the merchant must re-authorize."), lastGood: 'forget' }],
  ['ticket-missing', { ...rule('COMPONENT_TICKET_INVALID', true, "Our platform has not received a component_verify_ticket from WeChat yet; WeChat pushes one every 10 minutes."), lastGood: 'serve' }],
  ['component-not-configured', rule('COMPONENT_CREDENTIALS_INVALID', false, 'The subgraph has no WeChat component credentials configured, so it cannot mint access tokens.', true)],
  ['refresh-timeout', { ...rule('WECHAT_UNAVAILABLE', true, 'The access token is being refreshed and the fresh one did not arrive in time; try again shortly.'), lastGood: 'serve' }],
  ['platform-no-token', { ...rule('MERCHANT_NOT_AUTHORIZED', false, "The platform holds no access token for the merchant's authorizer: the merchant has not authorized the platform, or the platform has not stored its token."), lastGood: 'forget' }],
  ['platform-token-expired', { ...rule('AUTHORIZER_TOKEN_EXPIRED', true, "The access token the platform holds for the merchant's authorizer has expired and the platform has not refreshed it yet; try again shortly."), lastGood: 'forget' }],
  ['platform-refused', { ...rule('TOKEN_STORE_UNAVAILABLE', false, "The platform's token service refused our PLATFORM_TOKEN_SECRET; an operator must fix the configuration.", true), lastGood: 'serve' }],
  ['platform-unreadable', { ...rule('TOKEN_STORE_UNAVAILABLE', false, 'What the platform holds for this authorizer is not a token in the configured layout; an operator must check PLATFORM_TOKEN_FIELD.', true), lastGood: 'serve' }],
]);

export const TOKEN_STORE_UNAVAILABLE: ErrorCodeRule = {
  ...rule('TOKEN_STORE_UNAVAILABLE', true, 'The token store (Redis) is unreachable, so no access token could be read; the subgraph reconnects by itself, try again shortly.'),
  lastGood: 'serve',
};

/** AUTHORIZATION=subgraph: why the caller may not read the field (the message is the refusal's own). */
export const CALLER_REFUSAL_RULES: ReadonlyMap<CallerRefusalFailure, ErrorCodeRule> = new Map([
  ['unauthenticated', rule('UNAUTHENTICATED', false, "The caller's token is missing or invalid.")],
  ['forbidden', rule('FORBIDDEN', false, "The caller's token does not grant the scope AUTH_SCOPE.")],
  ['unavailable', rule('AUTH_UNAVAILABLE', true, "The keys that verify callers' tokens could not be fetched; try again shortly.")],
]);

export function ruleForErrcode(errcode: number): ErrorCodeRule {
  return ERRCODE_RULES.get(errcode) ?? OTHER_ERRCODE;
}

/** Every row a failure to get a fresh answer can fall under (caller refusals run before any is asked for). */
const ANSWER_FAILURE_RULES: readonly ErrorCodeRule[] = [...ERRCODE_RULES.values(), OTHER_ERRCODE, WECHAT_UNAVAILABLE, ...TOKEN_SOURCE_RULES.values(), TOKEN_STORE_UNAVAILABLE];

const LAST_GOOD_BY_CODE: ReadonlyMap<ErrorCode, ErrorCodeRule['lastGood']> = new Map(ANSWER_FAILURE_RULES.map((row) => [row.code, row.lastGood]));

/** The `lastGood` column for a code, as its rows say: what a failure with it does to the last good answer. */
export function lastGoodOnFailure(code: ErrorCode): ErrorCodeRule['lastGood'] {
  return LAST_GOOD_BY_CODE.get(code);
}
