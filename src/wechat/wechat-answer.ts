/**
 * How a WeChat call looks on the wire and how its answer is read: credentials go in the
 * query string, and an answer is a JSON object whose non-zero `errcode` is a failure
 * (WeChat answers HTTP 200 either way).
 */
import { scrubSecrets } from '../observability/scrub-secrets.js';
import { WechatApiError, WechatTransportError } from './errors.js';

/** `?a=1&b=2`, or '' for no parameters. */
export function queryString(query: Readonly<Record<string, string>>): string {
  let search = '';
  for (const name in query) search += `${search ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(query[name]!)}`;
  return search;
}

/** A successful answer's decoded body; throws for an HTTP error, a body that is not a JSON object, or an errcode. */
export function decodeAnswer(path: string, status: number, text: string): Record<string, unknown> {
  if (status !== 200) {
    throw new WechatTransportError(path, 'http-status', `HTTP ${status}`, status);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WechatTransportError(path, 'invalid-body', `answer is not JSON (${text.length} bytes)`, status);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WechatTransportError(path, 'invalid-body', 'answer is not a JSON object', status);
  }
  const record = parsed as Record<string, unknown>;
  const errcode = record['errcode'] ?? 0;
  if (typeof errcode !== 'number') {
    throw new WechatTransportError(path, 'invalid-body', 'errcode is not a number', status);
  }
  if (errcode !== 0) {
    const errmsg = typeof record['errmsg'] === 'string' ? scrubSecrets(record['errmsg']) : '';
    throw new WechatApiError(path, errcode, errmsg);
  }
  return record;
}
