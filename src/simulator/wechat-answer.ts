/**
 * How answers go on the wire: WeChat's JSON content type, explicit length, keep-alive friendly.
 * Routes decide *what* to answer; this module alone decides how the bytes look.
 */
import type { ServerResponse } from 'node:http';
import { errmsgWithRid } from './errcodes.js';

/** WeChat really sends `encoding=`, not `charset=`; clients must cope with it. */
export const wechatContentType = 'application/json; encoding=utf-8';

export interface WechatAnswer {
  status: number;
  body: Record<string, unknown>;
  /** What WeChat does once this answer is on the wire (e.g. resume ticket pushes); never before. */
  afterAnswer?: () => void;
}

/** An error answer: HTTP 200 (WeChat never signals failure in the status) unless told otherwise. */
export function errorAnswer(errcode: number, status = 200): WechatAnswer {
  return { status, body: { errcode, errmsg: errmsgWithRid(errcode) } };
}

export function writeAnswer(
  response: ServerResponse,
  answer: WechatAnswer,
  options: { truncated?: boolean } = {},
): void {
  const json = JSON.stringify(answer.body);
  // A well-framed response whose JSON stops half-way: the failure surfaces when the client
  // parses, not as a transport error, which is what a misbehaving proxy looks like.
  const text = options.truncated ? json.slice(0, Math.floor(json.length / 2)) : json;
  writeRaw(response, answer.status, text, wechatContentType, answer.afterAnswer);
}

export function writeRaw(response: ServerResponse, status: number, text: string, contentType: string, afterAnswer?: () => void): void {
  const bytes = Buffer.from(text, 'utf8');
  response.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(bytes, afterAnswer);
}
