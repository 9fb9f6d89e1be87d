/**
 * `POST /cgi-bin/component/api_start_push_ticket`: the platform asks WeChat to resume
 * pushing its component_verify_ticket (there is no API to pull one). It needs no token,
 * only the component's appid and secret, since a platform that lost its ticket cannot mint
 * one; the newest docs show an `access_token` in the query, which the simulator ignores.
 *
 * Checks: method (43002), empty body (44002), body a JSON object (47001), the fields (appid
 * 41002; secret 41004, WeChat's "appsecret missing", which its docs do not list for this
 * endpoint but api_component_token answers), then the credentials (40013 unknown appid,
 * 40125 wrong secret, as api_component_token answers them). Success is `{"errcode":0,
 * "errmsg":"ok"}`; once it is on the wire, the simulator pushes its current ticket to the
 * event URL it knows (ComponentPushes.setEventTarget), or nowhere when it knows none.
 */
import { readJsonBody, stringField } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

export const answerStartPushTicket: SimulatedRoute = (request, { component, pushes }) => {
  if (request.method !== 'POST') return errorAnswer(43002);
  const body = readJsonBody(request.body);
  if ('errcode' in body) return errorAnswer(body.errcode);
  const appId = stringField(body.payload, 'component_appid');
  if (appId === undefined) return errorAnswer(41002);
  const secret = stringField(body.payload, 'component_secret');
  if (secret === undefined) return errorAnswer(41004);

  const errcode = component.secretErrcode(appId, secret);
  if (errcode !== undefined) return errorAnswer(errcode);
  return { status: 200, body: { errcode: 0, errmsg: 'ok' }, afterAnswer: () => pushes.resumeTicketPushes() };
};
