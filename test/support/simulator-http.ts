/**
 * Calling the WeChat simulator by hand over HTTP, as a test that speaks WeChat's wire
 * contract directly: a JSON POST, and the errcode of an error answer once it has been
 * checked to look like WeChat's (HTTP 200, an errmsg ending in a rid).
 */
import { expect } from 'vitest';
import type { WechatSimulator } from '../../src/simulator/index.js';

/** The rid WeChat appends to every errmsg: three groups of 8 hex digits. */
export const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

/** POSTs `body` (JSON-encoded unless already a string) to the simulator's `path`, query included. */
export function postToSimulator(simulator: WechatSimulator, path: string, body: Record<string, unknown> | string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${simulator.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), ...init });
}

/** The errcode of an error answer, after checking it looks like WeChat's: HTTP 200 and a rid. */
export async function errcodeOf(answer: Response | Promise<Response>): Promise<number> {
  const response = await answer;
  const body = (await response.json()) as { errcode: number; errmsg: string };
  expect(response.status).toBe(200);
  expect(body.errmsg).toMatch(RID);
  return body.errcode;
}
