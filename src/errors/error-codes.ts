/**
 * The errcode table: how each WeChat errcode reaches a GraphQL client. It is data, read
 * by one function; the README's error table documents the same rows for client developers.
 */
export type ErrorCode =
  | 'WECHAT_BUSY'
  | 'WECHAT_SYSTEM_ERROR'
  | 'AUTHORIZER_TOKEN_INVALID'
  | 'AUTHORIZER_TOKEN_EXPIRED'
  | 'INTERNAL_SERVER_ERROR'
  | 'BAD_USER_INPUT'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'API_UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'MERCHANT_NOT_AUTHORIZED'
  | 'IP_NOT_WHITELISTED'
  | 'PERMISSION_SET_NOT_GRANTED'
  | 'CLOUDBASE_NOT_ENABLED'
  | 'WECHAT_UPSTREAM_ERROR'
  | 'WECHAT_UNAVAILABLE';

export interface ErrorCodeRule {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Said to the client; WeChat's own errmsg travels in `extensions.wechat`. */
  readonly message: string;
  /** Our own bug (a malformed call), not the merchant's or WeChat's: logged at error level. */
  readonly ourBug?: true;
}

const rule = (code: ErrorCode, retryable: boolean, message: string, ourBug?: true): ErrorCodeRule =>
  ourBug ? { code, retryable, message, ourBug } : { code, retryable, message };

const OUR_BUG = rule('INTERNAL_SERVER_ERROR', false, 'The subgraph sent WeChat a malformed request; this is a bug on our side and has been logged.', true);

export const ERRCODE_RULES: ReadonlyMap<number, ErrorCodeRule> = new Map([
  [-1, rule('WECHAT_BUSY', true, 'WeChat is busy and still was after retrying; try again shortly.')],
  [-1000, rule('WECHAT_SYSTEM_ERROR', true, 'WeChat reported a system error, also on retry; try again shortly.')],
  [40001, rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid or not the latest.")],
  [40014, rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid.")],
  [42001, rule('AUTHORIZER_TOKEN_EXPIRED', false, "The merchant's authorizer access token has expired.")],
  [41001, OUR_BUG],
  [43002, OUR_BUG],
  [44002, OUR_BUG],
  [47001, OUR_BUG],
  [40097, rule('BAD_USER_INPUT', false, 'WeChat refused the request arguments as invalid; check the env argument.')],
  [40101, rule('BAD_USER_INPUT', false, 'WeChat reported a missing request argument.')],
  [45009, rule('QUOTA_EXCEEDED', false, "The daily WeChat API quota for this call is used up; it resets at midnight China time.")],
  [45011, rule('RATE_LIMITED', true, 'WeChat rate-limited this call (per-minute quota); retry in a minute.')],
  [48001, rule('API_UNAUTHORIZED', false, "The merchant's mini program does not have the getEnvInfo capability.")],
  [50001, rule('FORBIDDEN', false, 'WeChat refused access for this merchant (user unauthorized).')],
  [61003, rule('MERCHANT_NOT_AUTHORIZED', false, 'The merchant has not authorized (or has revoked) our WeChat third-party platform.')],
  [61004, rule('IP_NOT_WHITELISTED', false, "The subgraph's outbound IP is not on the third-party platform's WeChat whitelist.")],
  [40164, rule('IP_NOT_WHITELISTED', false, "The subgraph's outbound IP is not on the WeChat whitelist.")],
  [61007, rule('PERMISSION_SET_NOT_GRANTED', false, 'The merchant did not grant our platform the cloud development permission set (49); ask them to re-authorize with it.')],
  [85088, rule('CLOUDBASE_NOT_ENABLED', false, "Cloud development (CloudBase) is not enabled for the merchant's mini program.")],
]);

export const OTHER_ERRCODE = rule('WECHAT_UPSTREAM_ERROR', false, 'WeChat answered with an error; see extensions.wechat for its errcode and rid.');

export const WECHAT_UNAVAILABLE = rule('WECHAT_UNAVAILABLE', true, 'WeChat could not be reached or answered unreadably; try again shortly.');

export function ruleForErrcode(errcode: number): ErrorCodeRule {
  return ERRCODE_RULES.get(errcode) ?? OTHER_ERRCODE;
}
