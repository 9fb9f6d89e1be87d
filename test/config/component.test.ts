/** The component's variables: its credentials, and the event receiver's message token and EncodingAESKey. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('loadConfig for the WeChat event receiver', () => {
  // Outside the demo, which refuses real component credentials.
  const real = { WECHAT_API_BASE_URL: 'http://127.0.0.1:9000', AUTHORIZERS_FILE: 'a.json' };
  const component = { ...real, WECHAT_COMPONENT_APPID: 'wx0123456789abcdef', WECHAT_COMPONENT_APPSECRET: 'component-secret' };
  const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

  it('is off unless both the message token and the EncodingAESKey are set', () => {
    expect(loadConfig(component).componentEvents).toBeUndefined();
    expect(loadConfig({ ...component, WECHAT_COMPONENT_MESSAGE_TOKEN: 'msgToken1', WECHAT_COMPONENT_ENCODING_AES_KEY: AES_KEY }).componentEvents).toEqual({
      messageToken: 'msgToken1',
      encodingAesKey: AES_KEY,
    });
  });

  it.each([
    ['the message token alone', { WECHAT_COMPONENT_MESSAGE_TOKEN: 'msgToken1' }],
    ['the EncodingAESKey alone', { WECHAT_COMPONENT_ENCODING_AES_KEY: AES_KEY }],
  ])('refuses %s, naming both', (_what, env) => {
    expect(problemsOf({ ...component, ...env })).toEqual([expect.stringContaining('WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY go together')]);
  });

  it('needs the component appid to check pushes against', () => {
    expect(problemsOf({ ...real, WECHAT_COMPONENT_MESSAGE_TOKEN: 'msgToken1', WECHAT_COMPONENT_ENCODING_AES_KEY: AES_KEY })).toEqual([expect.stringContaining('need WECHAT_COMPONENT_APPID')]);
  });

  it.each([
    ['42 characters', AES_KEY.slice(1)],
    ['44 characters', `${AES_KEY}=`],
    ['a character outside base64', `${AES_KEY.slice(1)}-`],
  ])('refuses an EncodingAESKey of %s without echoing it', (_what, key) => {
    const problems = problemsOf({ ...component, WECHAT_COMPONENT_MESSAGE_TOKEN: 'msgToken1', WECHAT_COMPONENT_ENCODING_AES_KEY: key });
    expect(problems).toEqual([expect.stringContaining('WECHAT_COMPONENT_ENCODING_AES_KEY must be the EncodingAESKey set at WeChat: 43 characters of base64')]);
    expect(problems.join('\n')).not.toContain(key);
  });

  it('refuses a message token WeChat would not accept', () => {
    expect(problemsOf({ ...component, WECHAT_COMPONENT_MESSAGE_TOKEN: 'has spaces in it', WECHAT_COMPONENT_ENCODING_AES_KEY: AES_KEY })).toEqual([
      expect.stringContaining('WECHAT_COMPONENT_MESSAGE_TOKEN must be the message token set at WeChat'),
    ]);
  });
});
