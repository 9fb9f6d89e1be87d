/**
 * The simulated WeChat endpoints, keyed by path. Adding an endpoint means writing one route
 * function and one line in this table.
 */
import { answerAuthorizerList } from './authorizer-list.js';
import { answerAuthorizerToken } from './authorizer-token.js';
import { answerComponentToken } from './component-token.js';
import { answerGetEnvInfo } from './get-env-info.js';
import { answerQueryAuth } from './query-auth.js';
import { answerStartPushTicket } from './start-push-ticket.js';
import type { SimulatedRequest, SimulatedRoute, SimulatorState } from './simulated-route.js';
import { errorAnswer, type WechatAnswer } from './wechat-answer.js';

export const COMPONENT_TOKEN_PATH = '/cgi-bin/component/api_component_token';
export const AUTHORIZER_TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';
export const GET_ENV_INFO_PATH = '/tcb/getenvinfo';
export const QUERY_AUTH_PATH = '/cgi-bin/component/api_query_auth';
export const START_PUSH_TICKET_PATH = '/cgi-bin/component/api_start_push_ticket';
export const AUTHORIZER_LIST_PATH = '/cgi-bin/component/api_get_authorizer_list';

const wechatRoutes: ReadonlyMap<string, SimulatedRoute> = new Map([
  [COMPONENT_TOKEN_PATH, answerComponentToken],
  [AUTHORIZER_TOKEN_PATH, answerAuthorizerToken],
  [GET_ENV_INFO_PATH, answerGetEnvInfo],
  [QUERY_AUTH_PATH, answerQueryAuth],
  [START_PUSH_TICKET_PATH, answerStartPushTicket],
  [AUTHORIZER_LIST_PATH, answerAuthorizerList],
]);

/** Routes the request; an unknown path gets WeChat's 40066, with a 404 to make the mistake obvious. */
export function routeRequest(request: SimulatedRequest, state: SimulatorState): WechatAnswer {
  const route = wechatRoutes.get(request.path);
  return route ? route(request, state) : errorAnswer(40066, 404);
}
