/**
 * What the scrubber takes out of text: a secret after its name in every spelling the code
 * and WeChat use (query string, JSON, WeChat's XML), bearer tokens, JWTs, URL credentials,
 * and any configured secret's value wherever it is quoted; other text comes back as it was.
 */
import { describe, expect, it } from 'vitest';
import { isSecretName, registerSecretValues, scrubSecrets } from '../../src/observability/scrub-secrets.js';

describe('scrubSecrets', () => {
  it.each([
    ['https://api.weixin.qq.com/tcb/getenvinfo?access_token=AT-1&env=x', 'https://api.weixin.qq.com/tcb/getenvinfo?access_token=[REDACTED]&env=x'],
    ['POST /cgi-bin/component/api_authorizer_token?component_access_token=CT-2', 'POST /cgi-bin/component/api_authorizer_token?component_access_token=[REDACTED]'],
    ['GET /x?ACCESS_TOKEN=AT-3 failed', 'GET /x?ACCESS_TOKEN=[REDACTED] failed'],
    ['a?Access_Token=AT-4 and b?access_token=AT-5"', 'a?Access_Token=[REDACTED] and b?access_token=[REDACTED]"'],
    ['body {"component_appsecret":"CS-6","component_verify_ticket": "ticket@@@VT-7"}', 'body {"component_appsecret":"[REDACTED]","component_verify_ticket": "[REDACTED]"}'],
    ['{"authorizer_refresh_token":"RT-8","expires_in":7200}', '{"authorizer_refresh_token":"[REDACTED]","expires_in":7200}'],
    ["options { refreshToken: 'RT-9', appSecret: 'AS-10' }", 'options { refreshToken: "[REDACTED]", appSecret: "[REDACTED]" }'],
    [
      '<xml><AppId>wx1</AppId><ComponentVerifyTicket><![CDATA[ticket@@@VT-11]]></ComponentVerifyTicket><AuthorizationCode>queryauthcode@@@AC-12</AuthorizationCode></xml>',
      '<xml><AppId>wx1</AppId><ComponentVerifyTicket>[REDACTED]</ComponentVerifyTicket><AuthorizationCode>[REDACTED]</AuthorizationCode></xml>',
    ],
    ['<PreAuthCode>PAC-13</PreAuthCode>', '<PreAuthCode>[REDACTED]</PreAuthCode>'],
    ['callback?auth_code=AC-14&expires_in=3600', 'callback?auth_code=[REDACTED]&expires_in=3600'],
    ['authorization: Bearer JWT-15.part.sig', 'authorization: Bearer [REDACTED]'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl was refused', 'token [REDACTED] was refused'],
    ['cannot connect to redis://:RP-16@redis.internal:6379/0', 'cannot connect to redis://[REDACTED]@redis.internal:6379/0'],
    ['EncodingAESKey=AES-17 and encoding_aes_key=AES-18', 'EncodingAESKey=[REDACTED] and encoding_aes_key=[REDACTED]'],
  ])('censors the secret in %s', (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it('returns text without a secret unchanged', () => {
    const texts = [
      '0b6f8a52-6c1e-4a57-9d9b-1c3f0f6c2f1e',
      'access_token',
      'operation',
      // The subgraph's own setting, named in its start-up messages: a mode, not a credential.
      'AUTHORIZATION=subgraph needs AUTH_JWKS_URL', 'WeChat /tcb/getenvinfo answered errcode 42001: access_token expired', 'component_verify_ticket received and stored', ''];
    for (const text of texts) expect(scrubSecrets(text)).toBe(text);
  });

  it('censors a configured secret’s value wherever it is quoted, once registered', () => {
    const secret = 'configured-router-secret-3f9a';
    expect(scrubSecrets(`refused ${secret}!`)).toBe(`refused ${secret}!`);
    registerSecretValues([secret, undefined, 'short']);
    expect(scrubSecrets(`refused ${secret}!`)).toBe('refused [REDACTED]!');
    // Too short to be a secret worth the name: ordinary words stay readable.
    expect(scrubSecrets('a short answer')).toBe('a short answer');
  });
});

describe('isSecretName', () => {
  it.each([
    'accessToken', 'access_token', 'authorizer_access_token', 'componentAccessToken', 'refreshToken', 'authorizer_refresh_token',
    'token', 'tokens', 'secret', 'appSecret', 'component_appsecret', 'routerSecret', 'router-authorization', 'PLATFORM_TOKEN_SECRET',
    'ticket', 'verifyTicket', 'component_verify_ticket', 'ComponentVerifyTicket', 'messageToken', 'message_token',
    'aesKey', 'encodingAesKey', 'EncodingAESKey', 'encoding_aes_key', 'authorizationCode', 'authorization_code', 'AuthorizationCode',
    'PreAuthCode', 'auth_code', 'authorization', 'jwt', 'password',
  ])('names a secret: %s', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['code', 'errcode', 'errorCodes', 'tokenKind', 'infoType', 'authorizerAppId', 'requestId', 'expires_in', 'ticketAgeSeconds', 'merchantId'])('does not name a secret: %s', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});
