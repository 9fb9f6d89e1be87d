/**
 * The simulated WeChat endpoints, keyed by path. Adding an endpoint (e.g. the component
 * token routes) means writing one route function and one line in this table.
 */
import type { AuthorizerRegistry } from './authorizer-registry.js';
import { answerGetEnvInfo } from './get-env-info.js';
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

/** The simulator's state that routes may read. */
export interface SimulatorState {
  authorizers: AuthorizerRegistry;
}

export type SimulatedRoute = (request: SimulatedRequest, state: SimulatorState) => WechatAnswer;

const wechatRoutes: ReadonlyMap<string, SimulatedRoute> = new Map([['/tcb/getenvinfo', answerGetEnvInfo]]);

/** Routes the request; an unknown path gets WeChat's 40066, with a 404 to make the mistake obvious. */
export function routeRequest(request: SimulatedRequest, state: SimulatorState): WechatAnswer {
  const route = wechatRoutes.get(request.path);
  return route ? route(request, state) : errorAnswer(40066, 404);
}
