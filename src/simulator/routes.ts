/**
 * The simulated WeChat endpoints, keyed by path. Adding an endpoint means writing one route
 * function and one line in this table.
 */
import type { IncomingMessage } from 'node:http';
import { answerAuthorizerToken } from './authorizer-token.js';
import type { SimulatedAuthorizers } from './simulated-authorizers.js';
import type { ComponentAccount } from './component-account.js';
import { answerComponentToken } from './component-token.js';
import { answerGetEnvInfo } from './get-env-info.js';
import type { TokenIssuer } from './token-issuer.js';
import { errorAnswer, type WechatAnswer } from './wechat-answer.js';

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
}

export type SimulatedRoute = (request: SimulatedRequest, state: SimulatorState) => WechatAnswer;

export const COMPONENT_TOKEN_PATH = '/cgi-bin/component/api_component_token';
export const AUTHORIZER_TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';
export const GET_ENV_INFO_PATH = '/tcb/getenvinfo';

const wechatRoutes: ReadonlyMap<string, SimulatedRoute> = new Map([
  [COMPONENT_TOKEN_PATH, answerComponentToken],
  [AUTHORIZER_TOKEN_PATH, answerAuthorizerToken],
  [GET_ENV_INFO_PATH, answerGetEnvInfo],
]);

/** Routes the request; an unknown path gets WeChat's 40066, with a 404 to make the mistake obvious. */
export function routeRequest(request: SimulatedRequest, state: SimulatorState): WechatAnswer {
  const route = wechatRoutes.get(request.path);
  return route ? route(request, state) : errorAnswer(40066, 404);
}

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
