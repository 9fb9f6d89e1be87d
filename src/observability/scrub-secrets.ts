/**
 * Secret scrubbing for text that leaves the process (log lines, span attributes, error
 * messages): WeChat puts access tokens in the query string, and HTTP libraries quote
 * whole URLs in their errors. The logger, the telemetry hooks and the WeChat client all
 * scrub through this one function.
 */

const ACCESS_TOKEN_PARAM = /((?:component_)?access_token=)[^&\s"']+/gi;

/**
 * Removes token query parameters from text that may have come from an HTTP library.
 *
 * Text without one (nearly all of it: request ids, messages) is returned after a plain
 * search. Under load V8 was seen compiling this global regexp again on every `replace`
 * (node --trace-regexp-tier-up: once per request, for the request id the logger scrubs),
 * which cost more than the rest of the logging of a request.
 */
export function scrubTokens(text: string): string {
  return text.toLowerCase().includes('access_token=') ? text.replace(ACCESS_TOKEN_PARAM, '$1[REDACTED]') : text;
}
