/**
 * What WeChat's documented errcodes must become, written out by hand from WeChat's own
 * documentation (getEnvInfo's error codes, the open-platform token endpoints' errcodes and
 * what each asks of the caller: retry, refresh the token, fix the call) and the README's
 * error table. Tests hold the errcode table against these rows, so a wrong edit of the
 * table fails them instead of redefining what they expect.
 */
import type { ErrorCode } from '../../src/errors/error-codes.js';

export interface DocumentedErrcode {
  readonly errcode: number;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Times the call is asked again: WeChat says it did nothing (-1 "retry with backoff", twice; -1000 "retry once"). */
  readonly retries: number;
  /** "token: refresh and retry once": a fresh token may succeed. */
  readonly tokenRejected: boolean;
  /** A malformed call of ours ("our bug"). */
  readonly ourBug: boolean;
  /** 45011 "retry next minute": asking again sooner only meets it again. */
  readonly holdsAuthorizerBack: boolean;
}

const row = (
  errcode: number,
  code: ErrorCode,
  retryable: boolean,
  facts: { retries?: number; tokenRejected?: true; ourBug?: true; holdsAuthorizerBack?: true } = {},
): DocumentedErrcode => ({
  errcode,
  code,
  retryable,
  retries: facts.retries ?? 0,
  tokenRejected: facts.tokenRejected === true,
  ourBug: facts.ourBug === true,
  holdsAuthorizerBack: facts.holdsAuthorizerBack === true,
});

/** Every errcode the contract names, and nothing else. */
export const DOCUMENTED_ERRCODES: readonly DocumentedErrcode[] = [
  row(-1, 'WECHAT_BUSY', true, { retries: 2 }),
  row(-1000, 'WECHAT_SYSTEM_ERROR', true, { retries: 1 }),
  row(40001, 'AUTHORIZER_TOKEN_INVALID', false, { tokenRejected: true }),
  row(40014, 'AUTHORIZER_TOKEN_INVALID', false, { tokenRejected: true }),
  row(42001, 'AUTHORIZER_TOKEN_EXPIRED', false, { tokenRejected: true }),
  row(41001, 'INTERNAL_SERVER_ERROR', false, { ourBug: true }),
  row(43002, 'INTERNAL_SERVER_ERROR', false, { ourBug: true }),
  row(44002, 'INTERNAL_SERVER_ERROR', false, { ourBug: true }),
  row(47001, 'INTERNAL_SERVER_ERROR', false, { ourBug: true }),
  row(40097, 'BAD_USER_INPUT', false),
  row(40101, 'BAD_USER_INPUT', false),
  row(45009, 'QUOTA_EXCEEDED', false),
  row(45011, 'RATE_LIMITED', true, { holdsAuthorizerBack: true }),
  row(48001, 'API_UNAUTHORIZED', false),
  row(50001, 'FORBIDDEN', false),
  row(61003, 'MERCHANT_NOT_AUTHORIZED', false),
  row(61004, 'IP_NOT_WHITELISTED', false),
  row(40164, 'IP_NOT_WHITELISTED', false),
  row(61007, 'PERMISSION_SET_NOT_GRANTED', false),
  row(85088, 'CLOUDBASE_NOT_ENABLED', false),
  // The token endpoints' errcodes (api_component_token, api_authorizer_token).
  row(61023, 'REFRESH_TOKEN_INVALID', false),
  row(61005, 'COMPONENT_TICKET_INVALID', false),
  row(61006, 'COMPONENT_TICKET_INVALID', false),
  row(40013, 'COMPONENT_CREDENTIALS_INVALID', false),
  row(40125, 'COMPONENT_CREDENTIALS_INVALID', false),
];

/** Errcodes the contract does not name: "pass errcode, errmsg and rid through". */
export const UNDOCUMENTED_ERRCODES: readonly DocumentedErrcode[] = [99_999, 0x7f_ff_ff_ff, -501_001].map((errcode) => row(errcode, 'WECHAT_UPSTREAM_ERROR', false));
