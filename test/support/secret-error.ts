/**
 * An error that carries every secret the subgraph holds, in its message, its stack, its
 * causes and its fields, each in a form the code or WeChat would put it in: configured
 * secrets quoted bare (an error quoting a value), the others after their name in a query
 * string, a JSON body, a WeChat XML push or an Authorization header. What a log path writes
 * of it must hold none of them. Free of test-runner imports: a spawned subgraph's preload
 * (listen-fails-with-secrets.ts) builds it too.
 */

/** The secrets configured by value (the process knows them): set as these variables. */
export const CONFIGURED_SECRETS = {
  WECHAT_COMPONENT_APPSECRET: 'component-secret-logged-7e41a0',
  WECHAT_COMPONENT_VERIFY_TICKET: 'ticket@@@configured-ticket-2c9d',
  WECHAT_COMPONENT_MESSAGE_TOKEN: 'messageTokenLogged5b3f',
  WECHAT_COMPONENT_ENCODING_AES_KEY: 'aesKeyLogged0123456789abcdefghijklmnopqrstu',
  ROUTER_SECRET: 'router-secret-logged-91c6',
} as const;

/** The platform's secret (TOKEN_SOURCE=platform only). */
export const PLATFORM_SECRET = 'platform-secret-logged-0d8e';

/** Secrets that come and go (pushed, minted, exchanged): known only by the name they travel under. */
export const DYNAMIC_SECRETS = {
  pushedTicket: 'ticket@@@pushed-ticket-6c0f1d',
  authorizationCode: 'queryauthcode@@@code-77d4a2',
  refreshToken: 'refreshtoken@@@rt-3c9e5a',
  accessToken: 'access-token-at-8f21bb',
  componentAccessToken: 'component-token-ct-4a0b9c',
  jwt: `eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.${Buffer.from('{"sub":"caller-1","scope":"x"}').toString('base64url')}.c2lnbmF0dXJlLWxvZ2dlZA`,
} as const;

/** Every one of them (the tests register them with the suite's secrets check). */
export const ALL_SECRETS: readonly string[] = [...Object.values(CONFIGURED_SECRETS), PLATFORM_SECRET, ...Object.values(DYNAMIC_SECRETS)];

/** An error quoting every secret in its message, stack, causes (two deep) and fields. */
export function secretError(): Error {
  const { pushedTicket, authorizationCode, refreshToken, accessToken, componentAccessToken, jwt } = DYNAMIC_SECRETS;
  const deepest = new Error(`the push <xml><ComponentVerifyTicket><![CDATA[${pushedTicket}]]></ComponentVerifyTicket><AuthorizationCode>${authorizationCode}</AuthorizationCode></xml> and ${CONFIGURED_SECRETS.WECHAT_COMPONENT_ENCODING_AES_KEY}`);
  const cause = new Error(`POST /cgi-bin/component/api_authorizer_token?component_access_token=${componentAccessToken} with {"authorizer_refresh_token":"${refreshToken}"}`, { cause: deepest });
  const error = new Error(
    `GET /tcb/getenvinfo?access_token=${accessToken} failed for Authorization: Bearer ${jwt}; secrets ${CONFIGURED_SECRETS.WECHAT_COMPONENT_APPSECRET} ${CONFIGURED_SECRETS.WECHAT_COMPONENT_MESSAGE_TOKEN}`,
    { cause },
  );
  // A frame only the stack has, as an HTTP library's URL in a stack would be.
  error.stack = `${error.stack}\n    at request (https://api.weixin.qq.com/cgi-bin/component/api_query_auth?auth_code=${authorizationCode}&router=${CONFIGURED_SECRETS.ROUTER_SECRET})`;
  return Object.assign(error, {
    componentVerifyTicket: CONFIGURED_SECRETS.WECHAT_COMPONENT_VERIFY_TICKET,
    request: { headers: { authorization: `Bearer ${jwt}`, 'router-authorization': CONFIGURED_SECRETS.ROUTER_SECRET }, body: { AuthorizationCode: authorizationCode } },
    platform: { secret: PLATFORM_SECRET, answered: `{"authorizer_access_token":"${accessToken}"}` },
  });
}

/** The secrets `text` still holds (none, for every log path). */
export function secretsIn(text: string): string[] {
  return ALL_SECRETS.filter((secret) => text.includes(secret));
}
