/**
 * Our third-party platform at WeChat (the component): its appid and secret, which mint
 * authorizer tokens, a development verify ticket, and the message token and EncodingAESKey
 * that turn on the receiver of WeChat's pushes. Each pair comes whole or not at all.
 */
import { z } from 'zod';
import { rulesOver } from './model.js';
import { optionalMatching, optionalString } from './variables.js';

export const componentModel = z.object({
  WECHAT_COMPONENT_APPID: optionalMatching(/^wx[0-9a-f]{16}$/, 'WECHAT_COMPONENT_APPID must be "wx" followed by 16 lowercase hex digits'),
  WECHAT_COMPONENT_APPSECRET: optionalString,
  WECHAT_COMPONENT_VERIFY_TICKET: optionalString,
  WECHAT_COMPONENT_MESSAGE_TOKEN: optionalMatching(
    /^[A-Za-z0-9]{3,32}$/,
    'WECHAT_COMPONENT_MESSAGE_TOKEN must be the message token set at WeChat: 3 to 32 letters and digits',
  ),
  WECHAT_COMPONENT_ENCODING_AES_KEY: optionalMatching(
    // 43 base64 characters (258 bits) always decode, with the "=" WeChat leaves off, to the 32-byte AES key.
    /^[A-Za-z0-9+/]{43}$/,
    'WECHAT_COMPONENT_ENCODING_AES_KEY must be the EncodingAESKey set at WeChat: 43 characters of base64 (A-Z, a-z, 0-9, +, /) making 32 bytes',
  ),
});

export type ComponentVariables = z.output<typeof componentModel>;

export interface ComponentConfig {
  /** The platform's credentials; undefined when only fixed access tokens are used (or in demo mode, until the simulator supplies its own). */
  readonly component: { readonly appId: string; readonly appSecret: string } | undefined;
  /** WECHAT_COMPONENT_VERIFY_TICKET: used while the store holds no ticket (development). */
  readonly verifyTicket: string | undefined;
  /** The message token and EncodingAESKey of WeChat's pushes: set, POST /wechat/component/events receives them. */
  readonly componentEvents: { readonly messageToken: string; readonly encodingAesKey: string } | undefined;
}

const rule = rulesOver<ComponentVariables>();

export const componentRules = [
  rule(
    ['WECHAT_COMPONENT_APPID', 'WECHAT_COMPONENT_APPSECRET'],
    ({ WECHAT_COMPONENT_APPID: appId, WECHAT_COMPONENT_APPSECRET: appSecret }) =>
      (appId === undefined) !== (appSecret === undefined) &&
      'WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET go together: set both (to mint access tokens from refresh tokens) or neither',
  ),
  rule(
    ['WECHAT_COMPONENT_MESSAGE_TOKEN', 'WECHAT_COMPONENT_ENCODING_AES_KEY'],
    ({ WECHAT_COMPONENT_MESSAGE_TOKEN: messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: aesKey }) =>
      (messageToken === undefined) !== (aesKey === undefined) &&
      "WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY go together: set both (to receive WeChat's pushes at /wechat/component/events) or neither",
  ),
  rule(
    ['WECHAT_COMPONENT_MESSAGE_TOKEN', 'WECHAT_COMPONENT_ENCODING_AES_KEY', 'WECHAT_COMPONENT_APPID'],
    ({ WECHAT_COMPONENT_MESSAGE_TOKEN: messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: aesKey, WECHAT_COMPONENT_APPID: appId }) =>
      messageToken !== undefined &&
      aesKey !== undefined &&
      appId === undefined &&
      'WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY need WECHAT_COMPONENT_APPID (and its secret): pushes are checked against it',
  ),
];

export function componentConfig(values: ComponentVariables): ComponentConfig {
  const { WECHAT_COMPONENT_APPID: appId, WECHAT_COMPONENT_APPSECRET: appSecret } = values;
  const { WECHAT_COMPONENT_MESSAGE_TOKEN: messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: encodingAesKey } = values;
  return {
    component: appId && appSecret ? Object.freeze({ appId, appSecret }) : undefined,
    verifyTicket: values.WECHAT_COMPONENT_VERIFY_TICKET,
    componentEvents: messageToken && encodingAesKey ? Object.freeze({ messageToken, encodingAesKey }) : undefined,
  };
}
