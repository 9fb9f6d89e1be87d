/**
 * The error table: every way a cloudEnvironments field can fail, with the code, the text a
 * client reads and what the rest of the subgraph must know of it (whether asking again can
 * help, whether WeChat refused the token itself, whether the last good answer may stand in
 * for a fresh one). It is data, and it imports nothing of ours, so every layer can read it:
 * the WeChat client's retry policy, the circuit breaker's failure filter, token healing, the
 * stale answers and the GraphQL mapping all answer from these rows.
 *
 * A row's `message` is all a client is told: what happened and what the caller can do.
 * What only an operator can act on (key names, URLs, variables to fix) goes to the log line
 * of the error, never into a row's message. The README's error table documents the rows
 * for client developers.
 */

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
  /** What an operator must do about it: logged with the error, never said to the client. */
  readonly operatorAction?: string;
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

type Extra = Omit<ErrorCodeRule, 'code' | 'retryable' | 'message'>;
const rule = (code: ErrorCode, retryable: boolean, message: string, extra: Extra = {}): ErrorCodeRule => ({ code, retryable, message, ...extra });

const OUR_BUG = rule('INTERNAL_SERVER_ERROR', false, 'The subgraph sent WeChat a malformed request; this is a bug on our side and has been logged.', {
  ourBug: true,
  operatorAction: 'report the call and its errcode: the subgraph built it wrong',
});
const CREDENTIALS = "WeChat refused our platform's credentials; an operator has to fix them, retrying will not help.";
const WHITELIST = "WeChat refused calls from the subgraph's network address (IP whitelist); an operator has to add it, retrying will not help.";

export const ERRCODE_RULES: ReadonlyMap<number, ErrorCodeRule> = new Map([
  [-1, rule('WECHAT_BUSY', true, 'WeChat is busy and still was after retrying; try again shortly.', { retries: 2, lastGood: 'serve' })],
  [-1000, rule('WECHAT_SYSTEM_ERROR', true, 'WeChat reported a system error, also on retry; try again shortly.', { retries: 1, lastGood: 'serve' })],
  [40001, rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid or not the latest.", { tokenRejected: true, lastGood: 'forget' })],
  [40014, rule('AUTHORIZER_TOKEN_INVALID', false, "WeChat rejected the merchant's authorizer access token as invalid.", { tokenRejected: true, lastGood: 'forget' })],
  [42001, rule('AUTHORIZER_TOKEN_EXPIRED', false, "The merchant's authorizer access token has expired.", { tokenRejected: true, lastGood: 'forget' })],
  [41001, OUR_BUG],
  [43002, OUR_BUG],
  [44002, OUR_BUG],
  [47001, OUR_BUG],
  [40097, rule('BAD_USER_INPUT', false, 'WeChat refused the request arguments as invalid; check the env argument.')],
  [40101, rule('BAD_USER_INPUT', false, 'WeChat reported a missing request argument.')],
  [45009, rule('QUOTA_EXCEEDED', false, 'The daily WeChat API quota for this call is used up; it resets at midnight China time.', { lastGood: 'serve' })],
  [45011, rule('RATE_LIMITED', true, 'WeChat rate-limited this call (per-minute quota); retry in a minute.', { holdsAuthorizerBack: true, lastGood: 'serve' })],
  [48001, rule('API_UNAUTHORIZED', false, "The merchant's mini program does not have the getEnvInfo capability.", { lastGood: 'forget' })],
  [50001, rule('FORBIDDEN', false, 'WeChat refused access for this merchant (user unauthorized).', { lastGood: 'forget' })],
  [61003, rule('MERCHANT_NOT_AUTHORIZED', false, 'The merchant has not authorized (or has revoked) our WeChat third-party platform.', { lastGood: 'forget' })],
  [61004, rule('IP_NOT_WHITELISTED', false, WHITELIST, { operatorAction: "add the subgraph's outbound IP to the third-party platform's whitelist" })],
  [40164, rule('IP_NOT_WHITELISTED', false, WHITELIST, { operatorAction: "add the subgraph's outbound IP to the WeChat whitelist" })],
  [61007, rule('PERMISSION_SET_NOT_GRANTED', false, 'The merchant did not grant our platform the cloud development permission set (49); ask them to re-authorize with it.', { lastGood: 'forget' })],
  [85088, rule('CLOUDBASE_NOT_ENABLED', false, "Cloud development (CloudBase) is not enabled for the merchant's mini program.", { lastGood: 'forget' })],
  // The token endpoints' own errcodes (api_component_token, api_authorizer_token).
  [61023, rule('REFRESH_TOKEN_INVALID', false, "WeChat no longer accepts the merchant's authorization; the merchant must authorize our platform again.", { lastGood: 'forget' })],
  [61005, rule('COMPONENT_TICKET_INVALID', false, "WeChat refused our platform's verify ticket as expired; the subgraph waits for WeChat to push a new one.", {
    operatorAction: "check that WeChat's pushes reach the event receiver: no newer component_verify_ticket was stored",
    lastGood: 'serve',
  })],
  [61006, rule('COMPONENT_TICKET_INVALID', false, "WeChat refused our platform's verify ticket as invalid; the subgraph waits for WeChat to push a new one.", {
    operatorAction: 'check the stored component_verify_ticket and WECHAT_COMPONENT_VERIFY_TICKET',
    lastGood: 'serve',
  })],
  [40013, rule('COMPONENT_CREDENTIALS_INVALID', false, CREDENTIALS, { operatorAction: 'check WECHAT_COMPONENT_APPID' })],
  [40125, rule('COMPONENT_CREDENTIALS_INVALID', false, CREDENTIALS, { operatorAction: 'check WECHAT_COMPONENT_APPSECRET' })],
]);

export const OTHER_ERRCODE = rule('WECHAT_UPSTREAM_ERROR', false, 'WeChat answered with an error; see extensions.wechat for its errcode and rid.');

export function ruleForErrcode(errcode: number): ErrorCodeRule {
  return ERRCODE_RULES.get(errcode) ?? OTHER_ERRCODE;
}

const AGAIN = 'try again shortly.';

/** WeChat not read at all, by the WeChat client's transport failure; `deadline`: the operation ran out of time first. */
export const TRANSPORT_RULES = {
  timeout: rule('WECHAT_UNAVAILABLE', true, `WeChat did not answer in time; ${AGAIN}`, { lastGood: 'serve' }),
  deadline: rule('WECHAT_UNAVAILABLE', true, `WeChat did not answer within the time this request allows; ${AGAIN}`, { lastGood: 'serve' }),
  'http-status': rule('WECHAT_UNAVAILABLE', true, `WeChat answered with an HTTP error (extensions.wechat.httpStatus); ${AGAIN}`, { lastGood: 'serve' }),
  'invalid-body': rule('WECHAT_UNAVAILABLE', true, `WeChat answered unreadably; ${AGAIN}`, { lastGood: 'serve' }),
  connection: rule('WECHAT_UNAVAILABLE', true, `WeChat could not be reached; ${AGAIN}`, { lastGood: 'serve' }),
  'circuit-open': rule('WECHAT_UNAVAILABLE', true, 'WeChat is failing for many merchants at once, so the subgraph is failing fast; retry after extensions.retryAfterMs.', { lastGood: 'serve' }),
  overloaded: rule('WECHAT_UNAVAILABLE', true, `Too many WeChat calls are waiting; ${AGAIN}`, { lastGood: 'serve' }),
} as const;

/** The code and retryability every transport row shares. */
export const WECHAT_UNAVAILABLE = TRANSPORT_RULES.connection;

/** An authorizer held back after repeated failures: the code stays its last failure's, retryable once the back-off has passed. */
export const HELD_BACK = {
  retryable: true,
  message: 'WeChat calls for this merchant kept failing (extensions.code says how), so they are held back for a while; retry after extensions.retryAfterMs.',
} as const;

/** The registry lists no authorizer for the merchant: nothing is asked of WeChat. */
export const NOT_IN_REGISTRY = rule('MERCHANT_NOT_AUTHORIZED', false, 'The merchant has not authorized our WeChat third-party platform (this subgraph knows no authorization of theirs).', { lastGood: 'forget' });

/** The store (or the platform's token store or service) cannot be reached. */
export const TOKEN_STORE_UNAVAILABLE = rule('TOKEN_STORE_UNAVAILABLE', true, `The token store is unreachable, so no access token could be read; the subgraph reconnects by itself, ${AGAIN}`, { lastGood: 'serve' });

const OPERATOR = 'an operator has to fix the configuration, retrying will not help.';

/** Failures to get a token that are not an answer from WeChat, by the token source's reason. */
export const TOKEN_SOURCE_RULES = {
  'refresh-token-missing': rule('REFRESH_TOKEN_INVALID', false, "The subgraph holds no refresh token for the merchant's authorization; the merchant must authorize our platform again.", { lastGood: 'forget' }),
  'ticket-missing': rule('COMPONENT_TICKET_INVALID', true, "Our platform has not received a verify ticket from WeChat yet; WeChat pushes one every 10 minutes, try again then.", { lastGood: 'serve' }),
  'component-not-configured': rule('COMPONENT_CREDENTIALS_INVALID', false, `The subgraph cannot mint access tokens for this merchant: ${OPERATOR}`, { ourBug: true }),
  'refresh-timeout': rule('WECHAT_UNAVAILABLE', true, `The access token is being refreshed and the fresh one did not arrive in time; ${AGAIN}`, { lastGood: 'serve' }),
  'platform-no-token': rule('MERCHANT_NOT_AUTHORIZED', false, "The platform holds no access token for the merchant's authorizer: the merchant has not authorized the platform, or the platform has not stored its token.", { lastGood: 'forget' }),
  'platform-token-expired': rule('AUTHORIZER_TOKEN_EXPIRED', true, `The access token the platform holds for the merchant has expired and the platform has not refreshed it yet; ${AGAIN}`, { lastGood: 'forget' }),
  'platform-refused': rule('TOKEN_STORE_UNAVAILABLE', false, `The platform's token service refused the subgraph's credentials; ${OPERATOR}`, { ourBug: true, lastGood: 'serve' }),
  'platform-unreadable': rule('TOKEN_STORE_UNAVAILABLE', false, `What the platform holds for this merchant is not a token the subgraph can read; ${OPERATOR}`, { ourBug: true, lastGood: 'serve' }),
} as const;

const TOKEN = "The caller's token";
const SEND_VALID = 'send a valid token from the identity provider.';

/** AUTHORIZATION=subgraph: why the caller may not read the field, by the caller check's reason. */
export const CALLER_REFUSAL_RULES = {
  'token-missing': rule('UNAUTHENTICATED', false, `This field needs the caller's token, and the request carries none; send "Authorization: Bearer <JWT>" (a gateway must forward the client's Authorization header).`),
  'not-bearer': rule('UNAUTHENTICATED', false, 'The Authorization header is not "Bearer <JWT>"; send the caller\'s token as a bearer token.'),
  malformed: rule('UNAUTHENTICATED', false, `${TOKEN} is not a well-formed, signed JWT; ${SEND_VALID}`),
  expired: rule('UNAUTHENTICATED', false, `${TOKEN} has expired; ${SEND_VALID}`),
  'not-yet-valid': rule('UNAUTHENTICATED', false, `${TOKEN} is not valid yet ("nbf"); ${SEND_VALID}`),
  'wrong-issuer': rule('UNAUTHENTICATED', false, `${TOKEN} comes from another issuer than this subgraph accepts; ${SEND_VALID}`),
  'wrong-audience': rule('UNAUTHENTICATED', false, `${TOKEN} is meant for another audience than this subgraph; ${SEND_VALID}`),
  'claim-invalid': rule('UNAUTHENTICATED', false, `${TOKEN} has a missing or invalid claim (a token must expire: "exp"); ${SEND_VALID}`),
  'unknown-key': rule('UNAUTHENTICATED', false, `${TOKEN} is signed by a key that is not in the identity provider's key set; ${SEND_VALID}`),
  'bad-signature': rule('UNAUTHENTICATED', false, `${TOKEN} has a signature that does not verify; ${SEND_VALID}`),
  'algorithm-refused': rule('UNAUTHENTICATED', false, `${TOKEN} is signed with an algorithm this subgraph does not accept (only asymmetric ones: RSA, ECDSA, EdDSA); ${SEND_VALID}`),
  'scope-missing': rule('FORBIDDEN', false, `${TOKEN} does not grant the scope Merchant.cloudEnvironments requires; ask the identity provider for a token with it.`),
  'keys-unavailable': rule('AUTH_UNAVAILABLE', true, `The subgraph could not fetch the keys that verify callers' tokens; ${AGAIN}`),
} as const;

/** Arguments and representations refused before anything is asked of WeChat; the message never echoes the value. */
export const INPUT_RULES = {
  env: rule('BAD_USER_INPUT', false, 'Argument "env" must be a WeChat environment id: 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-" (e.g. test2-4a89da). Omit it to list every environment.'),
  'merchant-id': rule('BAD_USER_INPUT', false, 'A Merchant representation needs a non-empty string "id", e.g. { "__typename": "Merchant", "id": "m_1001" }.'),
  'date-time': rule('BAD_USER_INPUT', false, 'DateTime must be an RFC 3339 date-time such as 2019-04-04T14:10:28+08:00'),
  // MERCHANT_AUTHORIZER_FIELD: extensions.field names the field; its value, from another subgraph, is never echoed.
  'authorizer-field': rule(
    'BAD_USER_INPUT',
    false,
    'The merchant\'s mini-program appid, sent by the subgraph that owns Merchant, is not an appid ("wx" followed by 16 lowercase hex digits); correct it there.',
  ),
} as const;

/** Every row a failure to get a fresh answer can fall under (caller refusals and input checks run before any is asked for). */
const ANSWER_FAILURE_RULES: readonly ErrorCodeRule[] = [
  ...ERRCODE_RULES.values(),
  OTHER_ERRCODE,
  ...Object.values(TRANSPORT_RULES),
  NOT_IN_REGISTRY,
  TOKEN_STORE_UNAVAILABLE,
  ...Object.values(TOKEN_SOURCE_RULES),
];

const LAST_GOOD_BY_CODE: ReadonlyMap<ErrorCode, ErrorCodeRule['lastGood']> = new Map(ANSWER_FAILURE_RULES.map((row) => [row.code, row.lastGood]));

/** The `lastGood` column for a code, as its rows say: what a failure with it does to the last good answer. */
export function lastGoodOnFailure(code: ErrorCode): ErrorCodeRule['lastGood'] {
  return LAST_GOOD_BY_CODE.get(code);
}
