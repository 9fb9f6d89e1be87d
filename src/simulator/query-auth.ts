/**
 * `POST /cgi-bin/component/api_query_auth?component_access_token=…`: the component
 * exchanges the authorization code of an `authorized` push for the authorizer's first
 * access token and its refresh token. A code works once.
 *
 * Checks: method (43002), component token present (41001), current (40001) and not lapsed
 * (42001), empty body (44002), body a JSON object (47001), the fields (appid 41002, code
 * 40097), component appid (40013), the code (61009 unknown or already used).
 */
import { readComponentCall } from './component-call.js';
import { stringField } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

export const answerQueryAuth: SimulatedRoute = (request, { authorizers, tokens }) => {
  const call = readComponentCall(request, tokens);
  if ('errcode' in call) return errorAnswer(call.errcode);
  const componentAppId = stringField(call.payload, 'component_appid');
  if (componentAppId === undefined) return errorAnswer(41002);
  const code = stringField(call.payload, 'authorization_code');
  if (code === undefined) return errorAnswer(40097);
  if (componentAppId !== call.componentAppId) return errorAnswer(40013);

  const appId = authorizers.redeemAuthorizationCode(code);
  if (appId === undefined) return errorAnswer(61009);
  const { token, expiresIn } = tokens.issue('authorizer', appId);
  return {
    status: 200,
    body: {
      authorization_info: {
        authorizer_appid: appId,
        authorizer_access_token: token,
        expires_in: expiresIn,
        authorizer_refresh_token: authorizers.refreshTokenOf(appId),
        func_info: [{ funcscope_category: { id: 49 } }],
      },
    },
  };
};
