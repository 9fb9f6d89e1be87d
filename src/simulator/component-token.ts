/**
 * `POST /cgi-bin/component/api_component_token`: the component trades its appid, secret and
 * latest verify ticket for a component_access_token.
 *
 * Checks: method (43002), empty body (44002), body a JSON object (47001), then the fields
 * (appid 41002, secret 41004, ticket 40097), then the credentials (see component-account.ts:
 * 40013, 40125, 61005, 61006). Success carries no errcode, as WeChat's does not, and
 * supersedes the previous component token at once.
 */
import { readJsonBody, stringField } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

export const answerComponentToken: SimulatedRoute = (request, { component, tokens }) => {
  if (request.method !== 'POST') return errorAnswer(43002);
  const body = readJsonBody(request.body);
  if ('errcode' in body) return errorAnswer(body.errcode);
  const appId = stringField(body.payload, 'component_appid');
  if (appId === undefined) return errorAnswer(41002);
  const appSecret = stringField(body.payload, 'component_appsecret');
  if (appSecret === undefined) return errorAnswer(41004);
  const ticket = stringField(body.payload, 'component_verify_ticket');
  if (ticket === undefined) return errorAnswer(40097);

  const errcode = component.credentialsErrcode(appId, appSecret, ticket);
  if (errcode !== undefined) return errorAnswer(errcode);
  const { token, expiresIn } = tokens.issue('component', appId);
  return { status: 200, body: { component_access_token: token, expires_in: expiresIn } };
};
