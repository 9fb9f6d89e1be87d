/**
 * `POST /tcb/getenvinfo?access_token=…`: lists a merchant's cloud environments.
 *
 * Checks run in WeChat's order: method (43002), token present (41001), token known (40001),
 * the merchant's standing errcode, empty body (44002), body a JSON object (47001),
 * `env` a string (40097). Injected faults are applied earlier, by the server, as the
 * request arrives.
 */
import type { SimulatedEnvironment } from './authorizer-registry.js';
import type { SimulatedRoute } from './routes.js';
import { errorAnswer } from './wechat-answer.js';

export const answerGetEnvInfo: SimulatedRoute = (request, { authorizers }) => {
  if (request.method !== 'POST') return errorAnswer(43002);
  const accessToken = request.query.get('access_token');
  if (!accessToken) return errorAnswer(41001);
  const authorizer = authorizers.byAccessToken(accessToken);
  if (!authorizer) return errorAnswer(40001);
  if (authorizer.errcode) return errorAnswer(authorizer.errcode);
  if (request.body.length === 0) return errorAnswer(44002);

  const payload = parseJsonObject(request.body);
  if (!payload) return errorAnswer(47001);
  const { env } = payload;
  if (env !== undefined && typeof env !== 'string') return errorAnswer(40097);

  const listed = env === undefined ? authorizer.environments : authorizer.environments.filter((e) => e.env === env);
  return { status: 200, body: { errcode: 0, errmsg: 'ok', info_list: listed.map(toWireEnvironment) } };
};

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return isObject ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Copies exactly WeChat's fields, in WeChat's order, whatever else the seed object carries. */
function toWireEnvironment(environment: SimulatedEnvironment): SimulatedEnvironment {
  const { env, alias, create_time, update_time, status, package_id, package_name } = environment;
  return { env, alias, create_time, update_time, status, package_id, package_name };
}
