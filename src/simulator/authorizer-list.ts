/**
 * `POST /cgi-bin/component/api_get_authorizer_list?component_access_token=…` (the newer
 * docs write `access_token=`; both are read): every account that authorizes the component,
 * with its current refresh token, a page at a time. WeChat's answer to lost refresh tokens.
 *
 * Checks: those of every component call (component-call.ts: 43002, 41001, 40001, 42001,
 * 44002, 47001), the fields (appid 41002; offset and count must be whole numbers of at
 * least 0, else 40097 "invalid args", which WeChat's docs do not list here but answer for
 * bad arguments), component appid (40013), count at most 500 (40170). The answer carries
 * no errcode, like the other component answers: `{total_count, list: [{authorizer_appid,
 * refresh_token, auth_time}]}`, in a stable order (SimulatedAuthorizers.listed), listing
 * neither a deauthorized authorizer nor one without a refresh token; one marked
 * listedWithoutRefreshToken comes without its refresh_token field, as seen in the field.
 */
import { readComponentCall } from './component-call.js';
import { stringField } from './json-body.js';
import type { SimulatedRoute } from './simulated-route.js';
import { errorAnswer } from './wechat-answer.js';

/** The most accounts one page may ask for. */
const MAX_COUNT = 500;

const wholeNumber = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export const answerAuthorizerList: SimulatedRoute = (request, { authorizers, tokens }) => {
  const call = readComponentCall(request, tokens);
  if ('errcode' in call) return errorAnswer(call.errcode);
  const componentAppId = stringField(call.payload, 'component_appid');
  if (componentAppId === undefined) return errorAnswer(41002);
  const { offset, count } = call.payload;
  if (!wholeNumber(offset) || !wholeNumber(count)) return errorAnswer(40097);
  if (componentAppId !== call.componentAppId) return errorAnswer(40013);
  if (count > MAX_COUNT) return errorAnswer(40170);

  const listed = authorizers.listed();
  return {
    status: 200,
    body: {
      total_count: listed.length,
      list: listed
        .slice(offset, offset + count)
        .map(({ appId, refreshToken, authTime }) => ({ authorizer_appid: appId, ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }), auth_time: authTime })),
    },
  };
};
