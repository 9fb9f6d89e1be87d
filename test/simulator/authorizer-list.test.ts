/**
 * api_get_authorizer_list over real HTTP: the component-token checks every component call
 * makes, WeChat's answers to bad paging arguments, and the list itself: every account
 * that authorizes the component with its current refresh token, paged in a stable order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTHORIZER_LIST_PATH,
  AUTHORIZER_TOKEN_PATH,
  COMPONENT_TOKEN_PATH,
  type SimulatedAuthorizer,
  type SimulatedComponent,
  WechatSimulator,
  type WechatSimulatorOptions,
} from '../../src/simulator/index.js';
import { errcodeOf, postToSimulator } from '../support/simulator-http.js';
import { registerSecrets } from '../support/suite-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx0a1b2c3d4e5f6a7b', appSecret: 'component-secret-list-8e4d2b', verifyTicket: 'ticket@@@list-1f6c' };
/** Seven accounts with refresh tokens (the first authorized at a known time), one with a fixed token only. */
const WITH_REFRESH: SimulatedAuthorizer[] = Array.from({ length: 7 }, (_, index) => ({
  appId: `wx00000000000000${index.toString(16).padStart(2, '0')}`,
  refreshToken: `refresh-secret-listed-${index}-c7a3`,
  environments: [],
  ...(index === 0 && { authTime: 1_558_000_607 }),
}));
const FIXED_ONLY: SimulatedAuthorizer = { appId: 'wx00000000000000ff', accessToken: 'fixed-token-not-listed-5d2e', environments: [] };
registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, FIXED_ONLY.accessToken, ...WITH_REFRESH.map((authorizer) => authorizer.refreshToken));

interface ListAnswer {
  total_count: number;
  list: Array<{ authorizer_appid: string; refresh_token: string; auth_time: number }>;
}

const running: WechatSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()));
});

async function started(options: WechatSimulatorOptions = {}): Promise<WechatSimulator> {
  const simulator = new WechatSimulator({ component: COMPONENT, authorizers: [...WITH_REFRESH, FIXED_ONLY], ...options });
  running.push(simulator);
  await simulator.start();
  return simulator;
}

async function componentToken(simulator: WechatSimulator): Promise<string> {
  const body = { component_appid: COMPONENT.appId, component_appsecret: COMPONENT.appSecret, component_verify_ticket: COMPONENT.verifyTicket };
  return ((await (await postToSimulator(simulator, COMPONENT_TOKEN_PATH, body)).json()) as { component_access_token: string }).component_access_token;
}

function requestList(simulator: WechatSimulator, token: string | undefined, body: Record<string, unknown> | string = {}, parameter = 'component_access_token'): Promise<Response> {
  const query = token === undefined ? '' : `?${parameter}=${encodeURIComponent(token)}`;
  const payload = typeof body === 'string' ? body : { component_appid: COMPONENT.appId, offset: 0, count: 100, ...body };
  return postToSimulator(simulator, `${AUTHORIZER_LIST_PATH}${query}`, payload);
}

async function list(simulator: WechatSimulator, paging: { offset?: number; count?: number } = {}, token?: string): Promise<ListAnswer> {
  return (await (await requestList(simulator, token ?? (await componentToken(simulator)), paging)).json()) as ListAnswer;
}

const appIds = (answer: ListAnswer) => answer.list.map((entry) => entry.authorizer_appid);

describe('api_get_authorizer_list', () => {
  it('lists every account with a refresh token, with its current refresh token and auth_time in epoch seconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const simulator = await started();
    const answer = await list(simulator);
    expect(Object.keys(answer).sort()).toEqual(['list', 'total_count']);
    expect(answer.total_count).toBe(7);
    expect(answer.list[0]).toEqual({ authorizer_appid: WITH_REFRESH[0]!.appId, refresh_token: WITH_REFRESH[0]!.refreshToken, auth_time: 1_558_000_607 });
    for (const [index, entry] of answer.list.entries()) expect(entry.refresh_token).toBe(WITH_REFRESH[index]!.refreshToken);
    for (const entry of answer.list.slice(1)) expect(entry.auth_time).toBeGreaterThanOrEqual(before);
  });

  it('leaves out an account with only a fixed access token', async () => {
    const simulator = await started();
    expect(appIds(await list(simulator))).not.toContain(FIXED_ONLY.appId);
  });

  it('pages by offset and count in a stable order, total_count counting every page', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    const pages = [await list(simulator, { offset: 0, count: 3 }, token), await list(simulator, { offset: 3, count: 3 }, token), await list(simulator, { offset: 6, count: 3 }, token)];
    expect(pages.map((page) => page.total_count)).toEqual([7, 7, 7]);
    expect(pages.map((page) => page.list.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap(appIds)).toEqual(WITH_REFRESH.map((authorizer) => authorizer.appId));
    expect(await list(simulator, { offset: 0, count: 3 }, token)).toEqual(pages[0]);
  });

  it('answers an empty list past the last page, and for count 0, still with the total', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect(await list(simulator, { offset: 7, count: 3 }, token)).toEqual({ total_count: 7, list: [] });
    expect(await list(simulator, { offset: 0, count: 0 }, token)).toEqual({ total_count: 7, list: [] });
  });

  it('accepts count 500 and answers 40170 to 501', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect((await list(simulator, { count: 500 }, token)).list).toHaveLength(7);
    expect(await errcodeOf(requestList(simulator, token, { count: 501 }))).toBe(40170);
  });

  it('answers 40097 to an offset or count that is negative, fractional, a string or missing', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    for (const paging of [{ offset: -1 }, { count: -1 }, { offset: 1.5 }, { count: 2.5 }, { offset: '0' }, { count: '10' }, { count: undefined }, { offset: null }]) {
      expect(await errcodeOf(requestList(simulator, token, paging)), JSON.stringify(paging)).toBe(40097);
    }
  });

  it('answers 41002 without component_appid and 40013 to another component appid', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect(await errcodeOf(requestList(simulator, token, { component_appid: undefined }))).toBe(41002);
    expect(await errcodeOf(requestList(simulator, token, { component_appid: 'wx0000000000000000' }))).toBe(40013);
  });

  it('answers 43002 to a GET, 44002 to an empty body and 47001 to a body that is not a JSON object', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect(await errcodeOf(fetch(`${simulator.url}${AUTHORIZER_LIST_PATH}?component_access_token=${token}`))).toBe(43002);
    expect(await errcodeOf(requestList(simulator, token, ''))).toBe(44002);
    expect(await errcodeOf(requestList(simulator, token, '{"offset":'))).toBe(47001);
  });

  it('answers 41001 without a component token, 40001 to one it never issued or superseded, 42001 to a lapsed one', async () => {
    const simulator = await started();
    expect(await errcodeOf(requestList(simulator, undefined))).toBe(41001);
    expect(await errcodeOf(requestList(simulator, 'made-up-component-token'))).toBe(40001);
    const older = await componentToken(simulator);
    const newer = await componentToken(simulator);
    expect(await errcodeOf(requestList(simulator, older))).toBe(40001);
    simulator.expireComponentToken();
    expect(await errcodeOf(requestList(simulator, newer))).toBe(42001);
  });

  it('reads the token from access_token as well, as the newer docs write it', async () => {
    const simulator = await started();
    const answer = (await (await requestList(simulator, await componentToken(simulator), {}, 'access_token')).json()) as ListAnswer;
    expect(answer.total_count).toBe(7);
  });

  it('leaves out a deauthorized account, and lists it again with its new refresh token and auth_time once it authorizes again', async () => {
    const simulator = await started();
    const [first] = WITH_REFRESH;
    simulator.deauthorize(first!.appId);
    const without = await list(simulator);
    expect(without.total_count).toBe(6);
    expect(appIds(without)).not.toContain(first!.appId);

    const before = Math.floor(Date.now() / 1000);
    simulator.authorize(first!.appId);
    const renewed = simulator.currentRefreshToken(first!.appId);
    registerSecrets(renewed);
    const again = (await list(simulator)).list.find((entry) => entry.authorizer_appid === first!.appId);
    expect(again).toEqual({ authorizer_appid: first!.appId, refresh_token: renewed, auth_time: expect.any(Number) });
    expect(again!.auth_time).toBeGreaterThanOrEqual(before);
    expect(renewed).not.toBe(first!.refreshToken);
  });

  it('lists the refresh token api_authorizer_token rotated to, not the one it replaced', async () => {
    const simulator = await started({ rotateRefreshTokens: true });
    const token = await componentToken(simulator);
    const [first] = WITH_REFRESH;
    const minted = await postToSimulator(simulator, `${AUTHORIZER_TOKEN_PATH}?component_access_token=${token}`, {
      component_appid: COMPONENT.appId,
      authorizer_appid: first!.appId,
      authorizer_refresh_token: first!.refreshToken,
    });
    const { authorizer_refresh_token: rotated } = (await minted.json()) as { authorizer_refresh_token: string };
    registerSecrets(rotated);
    expect(rotated).not.toBe(first!.refreshToken);
    const listed = (await list(simulator, {}, token)).list.find((entry) => entry.authorizer_appid === first!.appId);
    expect(listed?.refresh_token).toBe(rotated);
  });
});
