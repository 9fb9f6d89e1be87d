/**
 * Secret scrubbing for text that leaves the process (log lines, span attributes, error
 * messages, start-up failures): WeChat puts access tokens in the query string, HTTP
 * libraries quote whole URLs in their errors, and an error may quote a request or push
 * body. The logger, the telemetry hooks, the WeChat client and start-up all scrub through
 * this one module. It knows secrets two ways:
 *
 * - by name, in every spelling the code and WeChat use (`accessToken`, `access_token`,
 *   `ComponentVerifyTicket`, `EncodingAESKey`, `AuthorizationCode`…): a field so named is
 *   censored, and so is the value after such a name in text (`name=…`, `"name":"…"`,
 *   `<Name>…</Name>`), besides bearer tokens, JWTs and URL credentials;
 * - by value: the configured secrets (component secret, message token, AES key, router and
 *   platform secrets, Redis passwords) are registered at start, and any text quoting one
 *   loses it, whatever surrounds it.
 */

export const CENSOR = '[REDACTED]';

/**
 * A name that holds a secret: anything ending in token, secret, ticket, AES key,
 * authorization code, password or authorization (the JWT header), or their plural, in
 * camelCase, snake_case, kebab-case or WeChat's PascalCase XML (`_` and `-` optional
 * between words).
 */
const SECRET_NAME = /^[a-z0-9_-]*?(?:token|secret|ticket|aes[_-]?key|auth(?:orization)?[_-]?code|password|authorization|jwt)s?$/i;
const NAME = '[A-Za-z0-9_-]*?(?:token|secret|ticket|aes[_-]?key|auth(?:orization)?[_-]?code|password|authorization|jwt)';

/**
 * The same names for a `name=value` parameter, less `authorization`: that one travels as a
 * header (`Bearer …`, caught below) and a JWT (caught wherever it is), while
 * `AUTHORIZATION=subgraph` is this subgraph's own setting, named in its messages.
 */
const PARAMETER_NAME = '[A-Za-z0-9_-]*?(?:token|secret|ticket|aes[_-]?key|auth(?:orization)?[_-]?code|password|jwt)';

/** Where a secret sits in text, each keeping what precedes it ($1) and losing the value. */
const IN_TEXT: ReadonlyArray<readonly [RegExp, string]> = [
  // A query or form parameter: access_token=…, component_verify_ticket=…
  [new RegExp(`(\\b${PARAMETER_NAME}=)[^&\\s"'<>]+`, 'gi'), `$1${CENSOR}`],
  // A JSON or JavaScript property: "refresh_token":"…", appSecret: '…'
  [new RegExp(`(["']?\\b${NAME}["']?\\s*[:=]\\s*)(?:"[^"]*"|'[^']*')`, 'gi'), `$1"${CENSOR}"`],
  // An XML element, as WeChat pushes them: <ComponentVerifyTicket><![CDATA[…]]></ComponentVerifyTicket>
  [new RegExp(`(<(${NAME})>)[\\s\\S]*?(</\\2>)`, 'gi'), `$1${CENSOR}$3`],
  // An Authorization header's bearer token, and any JWT wherever it is quoted.
  [/(\bBearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${CENSOR}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, CENSOR],
  // Credentials in a URL: redis://:password@host, https://user:pass@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@:]*:[^/\s@]+@/gi, `$1${CENSOR}@`],
];

/**
 * A cheap first look: text with none of these words and no configured secret (request ids,
 * most messages) is returned as it is, after one search. (A global regexp's `replace` on
 * every string was seen recompiled by V8 under load: once per request, for the request id
 * the logger scrubs; and one search is cheaper than an `includes` per configured secret.)
 */
const MAY_NAME_SECRET = /token|secret|ticket|aes[_-]?key|auth[_-]?code|password|authorization|jwt|bearer|eyJ|:\/\/[^/\s]*@/i;
/** Any configured secret's value, as one search (none registered: matches nothing). */
let mayQuoteSecret = /$^/;

/** Configured secret values, longest first (so one that contains another goes whole). */
let knownValues: string[] = [];

/** Shorter values are not secrets worth the name, and would censor ordinary words. */
const MIN_KNOWN_LENGTH = 8;

const literally = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Adds configured secrets whose value must never appear in anything logged or sent. */
export function registerSecretValues(values: ReadonlyArray<string | undefined>): void {
  const added = values.filter((value): value is string => typeof value === 'string' && value.length >= MIN_KNOWN_LENGTH);
  knownValues = [...new Set([...knownValues, ...added])].sort((a, b) => b.length - a.length);
  mayQuoteSecret = new RegExp(knownValues.map(literally).join('|'));
}

/** Whether a field of this name holds a secret (and is censored whole). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `text` with every secret it names or quotes censored; the text itself when it holds none. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  if (text.length >= MIN_KNOWN_LENGTH && mayQuoteSecret.test(text)) {
    for (const value of knownValues) scrubbed = scrubbed.replaceAll(value, CENSOR);
  }
  if (!MAY_NAME_SECRET.test(scrubbed)) return scrubbed;
  for (const [pattern, replacement] of IN_TEXT) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
