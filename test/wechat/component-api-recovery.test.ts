/**
 * The client's side of what recovers lost state, against the simulator over real HTTP:
 * startPushTicket (asks WeChat to push the ticket again) and authorizerList (the
 * authorizers with their refresh tokens, a page at a time), including answers whose shape
 * is wrong, which fail naming the field and never quoting a refresh token.
 */
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { AUTHORIZER_LIST_PATH, type SimulatedComponent, type SimulatedFault, START_PUSH_TICKET_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { ComponentApi } from '../../src/wechat/component-api.js';
import { WechatApiError, WechatTransportError } from '../../src/wechat/errors.js';
import { WechatClient } from '../../src/wechat/wechat-client.js';
import { captureOutput, registerSecrets } from '../support/suite-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx0c1d2e3f4a5b6c7d', appSecret: 'component-secret-recovery-2c8f', verifyTicket: 'ticket@@@recovery-9a4e' };
const AUTHORIZERS = ['wx00000000000000a1', 'wx00000000000000a2', 'wx00000000000000a3'].map((appId, index) => ({
  appId,
  refreshToken: `LEAKY-refresh-token-${index}-6b1d0f`,
  environments: [],
  authTime: 1_700_000_000 + index,
}));
/** Refresh tokens that only faulty answers carry. */
const FAULTY_REFRESH_TOKEN = 'LEAKY-refresh-token-in-a-bad-answer-3e7a';
const CONFIG = loadConfig({});

registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, FAULTY_REFRESH_TOKEN, ...AUTHORIZERS.map((authorizer) => authorizer.refreshToken));

const simulator = new WechatSimulator({ component: COMPONENT, authorizers: AUTHORIZERS });
const logLines: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
let client: WechatClient;
let api: ComponentApi;

beforeAll(async () => {
  await simulator.start();
});
afterAll(async () => {
  await simulator.stop();
});
beforeEach(() => {
  client = new WechatClient({ ...CONFIG.wechat, baseUrl: simulator.url, timeoutMs: 2_000, maxConnections: 4, retryBaseDelayMs: 1, logger });
  api = new ComponentApi(client, { appId: COMPONENT.appId, appSecret: COMPONENT.appSecret });
  simulator.clearFaults();
  simulator.resetCalls();
  logLines.length = 0;
});
afterEach(async () => {
  await client.close();
});

const componentToken = async () => (await api.componentAccessToken(COMPONENT.verifyTicket)).token;

/** A JSON answer WeChat never sends, served with HTTP 200 as a misbehaving proxy would. */
const jsonFault = (body: Record<string, unknown>): SimulatedFault => ({ kind: 'http', status: 200, body: JSON.stringify(body), contentType: 'application/json' });

describe('startPushTicket', () => {
  it('sends the component appid and secret, without a token, and resolves on ok', async () => {
    await api.startPushTicket();
    const [call] = simulator.calls;
    expect(call).toMatchObject({ path: START_PUSH_TICKET_PATH, accessToken: undefined });
    expect(JSON.parse(call!.body)).toEqual({ component_appid: COMPONENT.appId, component_secret: COMPONENT.appSecret });
  });

  it('asks again after a transport failure: asking twice is harmless', async () => {
    simulator.injectEndpointFault(START_PUSH_TICKET_PATH, { kind: 'reset' }, { times: 1 });
    await api.startPushTicket();
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(2);
  });

  it("fails with WeChat's errcode when the secret is wrong, without asking again", async () => {
    const wrong = new ComponentApi(client, { appId: COMPONENT.appId, appSecret: 'not-the-secret' });
    await expect(wrong.startPushTicket()).rejects.toMatchObject({ constructor: WechatApiError, errcode: 40125 });
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(1);
  });
});

describe('authorizerList', () => {
  it('reads a page: the total, and each authorizer with its refresh token and authorization time', async () => {
    const page = await api.authorizerList(await componentToken(), 0, 2);
    expect(page).toEqual({
      totalCount: 3,
      authorizers: AUTHORIZERS.slice(0, 2).map(({ appId, refreshToken, authTime }) => ({ authorizerAppId: appId, refreshToken, authTime: new Date(authTime * 1000) })),
      withoutRefreshToken: [],
    });
    const call = simulator.calls.find((recorded) => recorded.path === AUTHORIZER_LIST_PATH);
    expect(JSON.parse(call!.body)).toEqual({ component_appid: COMPONENT.appId, offset: 0, count: 2 });
  });

  it('reads the last page, and an empty one past it', async () => {
    const token = await componentToken();
    expect((await api.authorizerList(token, 2, 2)).authorizers.map((entry) => entry.authorizerAppId)).toEqual([AUTHORIZERS[2]!.appId]);
    expect(await api.authorizerList(token, 3, 500)).toEqual({ totalCount: 3, authorizers: [], withoutRefreshToken: [] });
  });

  it('sets aside an entry listed without a refresh token, naming its appid, and keeps the rest of the page', async () => {
    const token = await componentToken();
    const listedWithout = [{ authorizer_appid: 'wx00000000000000b2', auth_time: 1_700_000_000 }, { authorizer_appid: 'wx00000000000000b3', refresh_token: null }, { authorizer_appid: 'wx00000000000000b4', refresh_token: '' }];
    simulator.injectEndpointFault(AUTHORIZER_LIST_PATH, jsonFault({ total_count: 4, list: [entry, ...listedWithout] }), { times: 1 });
    expect(await api.authorizerList(token, 0, 500)).toEqual({
      totalCount: 4,
      authorizers: [{ authorizerAppId: entry.authorizer_appid, refreshToken: FAULTY_REFRESH_TOKEN, authTime: new Date(entry.auth_time * 1000) }],
      withoutRefreshToken: ['wx00000000000000b2', 'wx00000000000000b3', 'wx00000000000000b4'],
    });
  });

  it('refuses an offset or count WeChat would refuse, naming both, without calling', async () => {
    await expect(api.authorizerList('any-token', -1, 501)).rejects.toThrow(/offset must be a whole number of at least 0 \(got -1\); count must be a whole number from 1 to 500 \(got 501\)/);
    await expect(api.authorizerList('any-token', 0, 0)).rejects.toThrow(RangeError);
    expect(simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(0);
  });

  it("fails with WeChat's errcode for a stale component token", async () => {
    const stale = await componentToken();
    await componentToken();
    await expect(api.authorizerList(stale, 0, 100)).rejects.toMatchObject({ constructor: WechatApiError, errcode: 40001 });
  });

  it('asks again after a transport failure: a read is safe to repeat', async () => {
    const token = await componentToken();
    simulator.injectEndpointFault(AUTHORIZER_LIST_PATH, { kind: 'reset' }, { times: 1 });
    expect((await api.authorizerList(token, 0, 100)).totalCount).toBe(3);
    expect(simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(2);
  });

  const entry = { authorizer_appid: 'wx00000000000000b1', refresh_token: FAULTY_REFRESH_TOKEN, auth_time: 1_700_000_000 };
  it.each<[string, SimulatedFault, RegExp]>([
    ['a truncated answer', { kind: 'truncated' }, /answer is not JSON/],
    ['an answer without list', jsonFault({ total_count: 1 }), /answer has no list array/],
    ['an answer without total_count', jsonFault({ list: [entry] }), /answer has no whole-number total_count/],
    ['an entry that is not an object', jsonFault({ total_count: 1, list: [FAULTY_REFRESH_TOKEN] }), /list\[0\] is not an object/],
    ['an entry without authorizer_appid', jsonFault({ total_count: 1, list: [{ ...entry, authorizer_appid: undefined }] }), /list\[0\] has no authorizer_appid/],
    ['an entry with a refresh_token that is not a string', jsonFault({ total_count: 2, list: [entry, { ...entry, refresh_token: 42 }] }), /list\[1\] has no refresh_token/],
    ['an entry with auth_time as a string', jsonFault({ total_count: 1, list: [{ ...entry, auth_time: '1700000000' }] }), /list\[0\] has no auth_time in epoch seconds/],
  ])('fails on %s with an invalid-body error naming what is wrong', async (_what, fault, message) => {
    const token = await componentToken();
    // An unreadable body is retried like any transport failure: the fault outlasts the retries.
    simulator.injectEndpointFault(AUTHORIZER_LIST_PATH, fault, { times: 3 });
    const error = await api.authorizerList(token, 0, 100).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WechatTransportError);
    expect(error).toMatchObject({ failure: 'invalid-body', endpoint: AUTHORIZER_LIST_PATH, message: expect.stringMatching(message) });
  });

  it('never puts a refresh token in an error or a log line, whatever the answer', async () => {
    const token = await componentToken();
    const faults: SimulatedFault[] = [
      { kind: 'truncated' },
      jsonFault({ total_count: 1, list: [{ ...entry, auth_time: null }] }),
      jsonFault({ total_count: 'many', list: [entry] }),
      { kind: 'http', status: 502, body: `<html>${FAULTY_REFRESH_TOKEN}</html>` },
    ];
    const texts: string[] = [];
    for (const fault of faults) {
      simulator.injectEndpointFault(AUTHORIZER_LIST_PATH, fault, { times: 3 });
      const error = await api.authorizerList(token, 0, 100).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      texts.push(String(error), inspect(error));
      simulator.clearFaults();
    }
    texts.push(...logLines);
    captureOutput(...texts);
    const everything = texts.join('\n');
    for (const secret of [FAULTY_REFRESH_TOKEN, ...AUTHORIZERS.map((authorizer) => authorizer.refreshToken)]) expect(everything).not.toContain(secret);
  });
});
