/**
 * What a simulated endpoint is: a function from a fully received request and the
 * simulator's state to WeChat's answer. Routes (one module per endpoint) and the routing
 * table both depend on this shape, and on nothing of each other.
 */
import type { IncomingMessage } from 'node:http';
import type { ComponentAccount } from './component-account.js';
import type { ComponentPushes } from './component-pushes.js';
import type { SimulatedAuthorizers } from './simulated-authorizers.js';
import type { TokenIssuer } from './token-issuer.js';
import type { WechatAnswer } from './wechat-answer.js';

/** A fully received request, as a route sees it. */
export interface SimulatedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Raw body, decoded as UTF-8. */
  body: string;
}

/** The simulator's state that routes may read and, for token issuance, change. */
export interface SimulatorState {
  authorizers: SimulatedAuthorizers;
  component: ComponentAccount;
  tokens: TokenIssuer;
  /** Whether api_authorizer_token hands out a new refresh token every time. */
  rotateRefreshTokens: boolean;
  /** WeChat's pushes to the platform, which api_start_push_ticket resumes. */
  pushes: ComponentPushes;
}

export type SimulatedRoute = (request: SimulatedRequest, state: SimulatorState) => WechatAnswer;

/** Reads the request in full, so routes and the call record see the same body. */
export async function receiveRequest(incoming: IncomingMessage): Promise<SimulatedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://api.weixin.qq.com');
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
