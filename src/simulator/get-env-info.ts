/**
 * `POST /tcb/getenvinfo?access_token=…`: lists a merchant's cloud environments.
 *
 * Checks run in WeChat's order: method (43002), token present (41001), token valid
 * (40001, or 42001 for an issued token past its lifetime; see access-token.ts), the
 * merchant's standing errcode, empty body (44002), body a JSON object (47001), `env` a
 * string (40097). Injected faults are applied earlier, by the server, as the request arrives.
 */
import { resolveAccessToken } from './access-token.js';
import type { SimulatedEnvironment } from './simulated-authorizers.js';
import { readJsonBody } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

export const answerGetEnvInfo: SimulatedRoute = (request, state) => {
  if (request.method !== 'POST') return errorAnswer(43002);
  const accessToken = request.query.get('access_token');
  if (!accessToken) return errorAnswer(41001);
  const resolved = resolveAccessToken(accessToken, state);
  if ('errcode' in resolved) return errorAnswer(resolved.errcode);
  const { authorizer } = resolved;
  if (authorizer.errcode) return errorAnswer(authorizer.errcode);

  const body = readJsonBody(request.body);
  if ('errcode' in body) return errorAnswer(body.errcode);
  const { env } = body.payload;
  if (env !== undefined && typeof env !== 'string') return errorAnswer(40097);

  const listed = env === undefined ? authorizer.environments : authorizer.environments.filter((e) => e.env === env);
  return { status: 200, body: { errcode: 0, errmsg: 'ok', info_list: listed.map(toWireEnvironment) } };
};

/** Copies exactly WeChat's fields, in WeChat's order, whatever else the seed object carries. */
function toWireEnvironment(environment: SimulatedEnvironment): SimulatedEnvironment {
  const { env, alias, create_time, update_time, status, package_id, package_name } = environment;
  return { env, alias, create_time, update_time, status, package_id, package_name };
}
