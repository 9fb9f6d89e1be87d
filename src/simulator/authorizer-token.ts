/**
 * `POST /cgi-bin/component/api_authorizer_token?component_access_token=…`: the component
 * trades an authorizer's refresh token for a fresh authorizer_access_token.
 *
 * Checks: method (43002), component token present (41001), current (40001) and not lapsed
 * (42001), empty body (44002), body a JSON object (47001), the fields (either appid 41002,
 * refresh token 40097), component appid (40013), authorizer known and still authorizing
 * (61003), refresh token (61023). Success carries no errcode and supersedes the authorizer's
 * previous issued token at once; it echoes the refresh token, or a new one when
 * rotateRefreshTokens is on, so clients must persist whatever comes back.
 */
import { readComponentCall } from './component-call.js';
import { stringField } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

export const answerAuthorizerToken: SimulatedRoute = (request, state) => {
  const { authorizers, tokens } = state;
  const call = readComponentCall(request, tokens);
  if ('errcode' in call) return errorAnswer(call.errcode);
  const componentAppId = stringField(call.payload, 'component_appid');
  const authorizerAppId = stringField(call.payload, 'authorizer_appid');
  if (componentAppId === undefined || authorizerAppId === undefined) return errorAnswer(41002);
  const refreshToken = stringField(call.payload, 'authorizer_refresh_token');
  if (refreshToken === undefined) return errorAnswer(40097);

  if (componentAppId !== call.componentAppId) return errorAnswer(40013);
  if (!authorizers.authorizing(authorizerAppId)) return errorAnswer(61003);
  if (refreshToken !== authorizers.refreshTokenOf(authorizerAppId)) return errorAnswer(61023);

  const { token, expiresIn } = tokens.issue('authorizer', authorizerAppId);
  const answeredRefreshToken = state.rotateRefreshTokens ? authorizers.rotateRefreshToken(authorizerAppId) : refreshToken;
  return {
    status: 200,
    body: { authorizer_access_token: token, expires_in: expiresIn, authorizer_refresh_token: answeredRefreshToken },
  };
};
