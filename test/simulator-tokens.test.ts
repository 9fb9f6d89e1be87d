/**
 * The simulator's open-platform token flow over real HTTP: component_access_token from the
 * component's credentials, authorizer_access_token from a refresh token, and getenvinfo
 * with what was issued, including every way a token stops working.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import demo from '../src/simulator/demo-authorizers.json' with { type: 'json' };
import {
  AUTHORIZER_TOKEN_PATH,
  COMPONENT_TOKEN_PATH,
  GET_ENV_INFO_PATH,
  QUERY_AUTH_PATH,
  WechatSimulator,
  demoSimulatorOptions,
  type SimulatedAuthorizer,
  type SimulatedComponent,
  type WechatSimulatorOptions,
} from '../src/simulator/index.js';
import { RID, errcodeOf, postToSimulator } from './support/simulator-http.js';

const rid = RID;
const opaqueToken = /^[A-Za-z0-9_-]{20,}$/;

const component: SimulatedComponent = { appId: 'wxc0c0c0c0c0c0c0c0', appSecret: 'component-secret', verifyTicket: 'ticket@@@first' };
const storefront: SimulatedAuthorizer = {
  appId: 'wx5f3c0a1b2c3d4e5f',
  refreshToken: 'refresh-storefront',
  environments: [
    { env: 'prod-7g3k9d', alias: 'prod', create_time: '2023-03-14 09:26:53', update_time: '2024-11-02 18:04:11', status: 'NORMAL', package_id: 'basic', package_name: '基础版 1' },
  ],
};
/** Holds both kinds of token, to show a fixed one is never superseded. */
const both: SimulatedAuthorizer = { appId: 'wx8a61d2e4b7c90f13', accessToken: 'fixed-both', refreshToken: 'refresh-both', environments: [] };
const fixedOnly: SimulatedAuthorizer = { appId: 'wx71c4f0a93e6b2d58', accessToken: 'fixed-only', environments: [] };

const running: WechatSimulator[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()));
});

async function started(options: WechatSimulatorOptions = {}): Promise<WechatSimulator> {
  const simulator = new WechatSimulator({ authorizers: [storefront, both, fixedOnly], component, ...options });
  running.push(simulator);
  await simulator.start();
  return simulator;
}

type Json = Record<string, unknown>;

const post = postToSimulator;

function requestComponentToken(simulator: WechatSimulator, overrides: Json = {}, init: RequestInit = {}): Promise<Response> {
  const body = { component_appid: component.appId, component_appsecret: component.appSecret, component_verify_ticket: component.verifyTicket };
  return post(simulator, COMPONENT_TOKEN_PATH, { ...body, ...overrides }, init);
}

async function componentToken(simulator: WechatSimulator): Promise<string> {
  const body = (await (await requestComponentToken(simulator)).json()) as { component_access_token: string };
  return body.component_access_token;
}

function requestAuthorizerToken(simulator: WechatSimulator, withToken: string | undefined, overrides: Json = {}): Promise<Response> {
  const query = withToken === undefined ? '' : `?component_access_token=${encodeURIComponent(withToken)}`;
  const body = { component_appid: component.appId, authorizer_appid: storefront.appId, authorizer_refresh_token: storefront.refreshToken };
  return post(simulator, `${AUTHORIZER_TOKEN_PATH}${query}`, { ...body, ...overrides });
}

async function authorizerToken(simulator: WechatSimulator, overrides: Json = {}): Promise<string> {
  const response = await requestAuthorizerToken(simulator, await componentToken(simulator), overrides);
  const body = (await response.json()) as { authorizer_access_token?: string };
  if (body.authorizer_access_token === undefined) throw new Error(`no authorizer token: ${JSON.stringify(body)}`);
  return body.authorizer_access_token;
}

function getEnvInfo(simulator: WechatSimulator, accessToken: string): Promise<Response> {
  return post(simulator, `${GET_ENV_INFO_PATH}?access_token=${encodeURIComponent(accessToken)}`, {});
}

describe('api_component_token', () => {
  it('issues a fresh opaque token with no errcode field, as WeChat does', async () => {
    const simulator = await started();
    const response = await requestComponentToken(simulator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    const body = (await response.json()) as Json;
    expect(body).toEqual({ component_access_token: expect.stringMatching(opaqueToken), expires_in: 7200 });
    expect(await componentToken(simulator)).not.toBe(body.component_access_token);
    expect(simulator.issuedTokenCount('component')).toBe(2);
  });

  it('answers 40013 to an unknown component appid, and when no component is configured', async () => {
    const simulator = await started();
    expect(await errcodeOf(requestComponentToken(simulator, { component_appid: 'wx0000000000000000' }))).toBe(40013);
    const bare = await started({ component: undefined });
    expect(await errcodeOf(requestComponentToken(bare))).toBe(40013);
  });

  it('answers 40125 to a wrong secret', async () => {
    const simulator = await started();
    const response = await requestComponentToken(simulator, { component_appsecret: 'guess' });
    expect(await response.clone().json()).toMatchObject({ errmsg: expect.stringMatching(/^invalid appsecret rid: /) });
    expect(await errcodeOf(response)).toBe(40125);
  });

  it('answers 61005 to the ticket a push replaced, 61006 to older or unknown ones, and accepts the new one', async () => {
    const simulator = await started();
    simulator.setVerifyTicket('ticket@@@second');
    expect(await errcodeOf(requestComponentToken(simulator))).toBe(61005);
    expect(await requestComponentToken(simulator, { component_verify_ticket: 'ticket@@@second' }).then((r) => r.json())).toMatchObject({
      component_access_token: expect.stringMatching(opaqueToken),
    });
    simulator.setVerifyTicket('ticket@@@third');
    expect(await errcodeOf(requestComponentToken(simulator))).toBe(61006);
    expect(await errcodeOf(requestComponentToken(simulator, { component_verify_ticket: 'ticket@@@second' }))).toBe(61005);
    expect(await errcodeOf(requestComponentToken(simulator, { component_verify_ticket: 'ticket@@@forged' }))).toBe(61006);
  });

  it('answers the request-shape errcodes: 43002, 44002, 47001, 41002, 41004, 40097', async () => {
    const simulator = await started();
    expect(await errcodeOf(fetch(`${simulator.url}${COMPONENT_TOKEN_PATH}`))).toBe(43002);
    expect(await errcodeOf(post(simulator, COMPONENT_TOKEN_PATH, ''))).toBe(44002);
    expect(await errcodeOf(post(simulator, COMPONENT_TOKEN_PATH, '{"component_appid":'))).toBe(47001);
    expect(await errcodeOf(requestComponentToken(simulator, { component_appid: undefined }))).toBe(41002);
    expect(await errcodeOf(requestComponentToken(simulator, { component_appsecret: 42 }))).toBe(41004);
    expect(await errcodeOf(requestComponentToken(simulator, { component_verify_ticket: '' }))).toBe(40097);
    expect(simulator.issuedTokenCount('component')).toBe(0);
  });

  it('refuses setVerifyTicket without a component, saying how to configure one', async () => {
    const bare = await started({ component: undefined });
    expect(() => bare.setVerifyTicket('ticket@@@x')).toThrow(/options\.component/);
  });
});

describe('api_authorizer_token', () => {
  it('issues an authorizer token with no errcode field, echoing the refresh token', async () => {
    const simulator = await started();
    const response = await requestAuthorizerToken(simulator, await componentToken(simulator));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      authorizer_access_token: expect.stringMatching(opaqueToken),
      expires_in: 7200,
      authorizer_refresh_token: storefront.refreshToken,
    });
    expect(simulator.issuedTokenCount('authorizer', storefront.appId)).toBe(1);
    expect(simulator.issuedTokenCount('authorizer', both.appId)).toBe(0);
  });

  it('serves getenvinfo for the issued token', async () => {
    const simulator = await started();
    const response = await getEnvInfo(simulator, await authorizerToken(simulator));
    expect(await response.json()).toEqual({ errcode: 0, errmsg: 'ok', info_list: storefront.environments });
  });

  it('makes the older token 40001 once a newer one is issued, leaving fixed tokens alone', async () => {
    const simulator = await started();
    const older = await authorizerToken(simulator, { authorizer_appid: both.appId, authorizer_refresh_token: both.refreshToken });
    const newer = await authorizerToken(simulator, { authorizer_appid: both.appId, authorizer_refresh_token: both.refreshToken });
    expect(await errcodeOf(getEnvInfo(simulator, older))).toBe(40001);
    expect(await getEnvInfo(simulator, newer).then((r) => r.json())).toMatchObject({ errcode: 0 });
    expect(await getEnvInfo(simulator, 'fixed-both').then((r) => r.json())).toMatchObject({ errcode: 0 });
  });

  it('does not accept a component token as an authorizer token', async () => {
    const simulator = await started();
    expect(await errcodeOf(getEnvInfo(simulator, await componentToken(simulator)))).toBe(40001);
  });

  it('answers 41001 without a component token and 40001 to an unknown one', async () => {
    const simulator = await started();
    expect(await errcodeOf(requestAuthorizerToken(simulator, undefined))).toBe(41001);
    expect(await errcodeOf(requestAuthorizerToken(simulator, 'made-up'))).toBe(40001);
  });

  it('answers 40001 to a component token that a newer one superseded', async () => {
    const simulator = await started();
    const older = await componentToken(simulator);
    const newer = await componentToken(simulator);
    expect(await errcodeOf(requestAuthorizerToken(simulator, older))).toBe(40001);
    expect(await requestAuthorizerToken(simulator, newer).then((r) => r.json())).toHaveProperty('authorizer_access_token');
  });

  it('answers 42001 once expireComponentToken lapses the component token', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    simulator.expireComponentToken();
    expect(await errcodeOf(requestAuthorizerToken(simulator, token))).toBe(42001);
  });

  it('answers 40013 to a component appid other than the token holder', async () => {
    const simulator = await started();
    expect(await errcodeOf(requestAuthorizerToken(simulator, await componentToken(simulator), { component_appid: 'wx0000000000000000' }))).toBe(40013);
  });

  it('answers 61003 to an unknown authorizer and to one that withdrew its authorization', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, { authorizer_appid: 'wx0000000000000000' }))).toBe(61003);
    simulator.deauthorize(storefront.appId);
    const response = await requestAuthorizerToken(simulator, token);
    expect(await response.clone().json()).toMatchObject({ errmsg: expect.stringMatching(/^component is not authorized by this account rid: /) });
    expect(await errcodeOf(response)).toBe(61003);
    simulator.addAuthorizer(storefront);
    expect(await requestAuthorizerToken(simulator, token).then((r) => r.json())).toHaveProperty('authorizer_access_token');
  });

  it('answers 61023 to a wrong refresh token and to an authorizer that has none', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, { authorizer_refresh_token: 'stale' }))).toBe(61023);
    const noRefresh = { authorizer_appid: fixedOnly.appId, authorizer_refresh_token: 'anything' };
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, noRefresh))).toBe(61023);
  });

  it('accepts only the refresh token set by setRefreshToken', async () => {
    const simulator = await started();
    simulator.setRefreshToken(storefront.appId, 'refresh-reauthorized');
    expect(simulator.currentRefreshToken(storefront.appId)).toBe('refresh-reauthorized');
    const token = await componentToken(simulator);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token))).toBe(61023);
    const response = await requestAuthorizerToken(simulator, token, { authorizer_refresh_token: 'refresh-reauthorized' });
    expect(await response.json()).toMatchObject({ authorizer_refresh_token: 'refresh-reauthorized' });
    expect(storefront.refreshToken).toBe('refresh-storefront');
  });

  it('makes the current token 40001 on revokeAuthorizerTokens, until the next refresh', async () => {
    const simulator = await started();
    const revoked = await authorizerToken(simulator);
    simulator.revokeAuthorizerTokens(storefront.appId);
    expect(await errcodeOf(getEnvInfo(simulator, revoked))).toBe(40001);
    expect(await getEnvInfo(simulator, await authorizerToken(simulator)).then((r) => r.json())).toMatchObject({ errcode: 0 });
  });

  it('answers the request-shape errcodes: 43002, 44002, 47001, 41002, 40097', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    const query = `?component_access_token=${token}`;
    expect(await errcodeOf(fetch(`${simulator.url}${AUTHORIZER_TOKEN_PATH}${query}`))).toBe(43002);
    expect(await errcodeOf(post(simulator, `${AUTHORIZER_TOKEN_PATH}${query}`, ''))).toBe(44002);
    expect(await errcodeOf(post(simulator, `${AUTHORIZER_TOKEN_PATH}${query}`, '[]'))).toBe(47001);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, { authorizer_appid: undefined }))).toBe(41002);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, { authorizer_refresh_token: null }))).toBe(40097);
  });

  it('refuses controls for an appid it does not know, naming the fix', async () => {
    const simulator = await started();
    expect(() => simulator.revokeAuthorizerTokens('wx0000000000000000')).toThrow(/addAuthorizer/);
    expect(() => simulator.deauthorize('wx0000000000000000')).toThrow(/addAuthorizer/);
    expect(() => simulator.setRefreshToken('wx0000000000000000', 'x')).toThrow(/addAuthorizer/);
    expect(simulator.currentRefreshToken('wx0000000000000000')).toBeUndefined();
  });
});

describe('token lifetime', () => {
  it('says expires_in is the configured lifetime, then answers 42001 for both tokens once it lapses', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the tokens age only when the test moves the clock on
    const simulator = await started({ tokenLifetimeSeconds: 0.3 });
    const issued = (await (await requestComponentToken(simulator)).json()) as { component_access_token: string; expires_in: number };
    expect(issued.expires_in).toBe(0.3);
    const authorizer = (await (await requestAuthorizerToken(simulator, issued.component_access_token)).json()) as Json;
    expect(authorizer.expires_in).toBe(0.3);
    const accessToken = String(authorizer.authorizer_access_token);
    expect(await getEnvInfo(simulator, accessToken).then((r) => r.json())).toMatchObject({ errcode: 0 });

    vi.advanceTimersByTime(300);
    expect(await errcodeOf(getEnvInfo(simulator, accessToken))).toBe(42001);
    expect(await errcodeOf(requestAuthorizerToken(simulator, issued.component_access_token))).toBe(42001);
    expect(await getEnvInfo(simulator, 'fixed-both').then((r) => r.json())).toMatchObject({ errcode: 0 });
  });

  it('refuses a lifetime that is not a positive number of seconds', () => {
    expect(() => new WechatSimulator({ tokenLifetimeSeconds: 0 })).toThrow(/positive number of seconds/);
    expect(() => new WechatSimulator({ tokenLifetimeSeconds: Number.NaN })).toThrow(/positive number of seconds/);
  });
});

describe('rotateRefreshTokens', () => {
  it('answers a new refresh token every time, and the old one then gets 61023', async () => {
    const simulator = await started({ rotateRefreshTokens: true });
    const token = await componentToken(simulator);
    const first = (await (await requestAuthorizerToken(simulator, token)).json()) as { authorizer_refresh_token: string };
    expect(first.authorizer_refresh_token).not.toBe(storefront.refreshToken);
    expect(simulator.currentRefreshToken(storefront.appId)).toBe(first.authorizer_refresh_token);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token))).toBe(61023);

    const second = await requestAuthorizerToken(simulator, token, { authorizer_refresh_token: first.authorizer_refresh_token });
    const { authorizer_refresh_token: rotated } = (await second.json()) as { authorizer_refresh_token: string };
    expect(rotated).not.toBe(first.authorizer_refresh_token);
    expect(await errcodeOf(requestAuthorizerToken(simulator, token, { authorizer_refresh_token: first.authorizer_refresh_token }))).toBe(61023);
  });
});

describe('endpoint faults', () => {
  it('answers an injected -1 on api_authorizer_token once, then issues normally', async () => {
    const simulator = await started();
    const token = await componentToken(simulator);
    simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'errcode', errcode: -1 }, { times: 1 });
    expect(await errcodeOf(requestAuthorizerToken(simulator, token))).toBe(-1);
    expect(await requestAuthorizerToken(simulator, token).then((r) => r.json())).toHaveProperty('authorizer_access_token');
    expect(simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(2);
    expect(simulator.issuedTokenCount('authorizer')).toBe(1);
  });

  it('keeps answering 45009 on api_component_token until clearFaults', async () => {
    const simulator = await started();
    simulator.injectEndpointFault(COMPONENT_TOKEN_PATH, { kind: 'errcode', errcode: 45009 });
    expect(await errcodeOf(requestComponentToken(simulator))).toBe(45009);
    expect(await errcodeOf(requestComponentToken(simulator))).toBe(45009);
    simulator.clearFaults();
    expect(await requestComponentToken(simulator).then((r) => r.json())).toHaveProperty('component_access_token');
    expect(simulator.issuedTokenCount('component')).toBe(1);
  });

  it('hangs a token endpoint until the client gives up', async () => {
    const simulator = await started();
    simulator.injectEndpointFault(COMPONENT_TOKEN_PATH, { kind: 'hang' }, { times: 1 });
    await expect(requestComponentToken(simulator, {}, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/aborted/i);
  });

  it('lets a per-token fault go first, leaving the endpoint fault for the next request', async () => {
    const simulator = await started();
    simulator.injectEndpointFault(GET_ENV_INFO_PATH, { kind: 'errcode', errcode: 45011 }, { times: 1 });
    simulator.injectFault('fixed-both', { kind: 'errcode', errcode: 40014 }, { times: 1 });
    expect(await errcodeOf(getEnvInfo(simulator, 'fixed-both'))).toBe(40014);
    expect(await errcodeOf(getEnvInfo(simulator, 'fixed-both'))).toBe(45011);
    expect(await getEnvInfo(simulator, 'fixed-both').then((r) => r.json())).toMatchObject({ errcode: 0 });
  });
});

describe('demo seed token flow', () => {
  async function demoSimulator(): Promise<WechatSimulator> {
    const simulator = new WechatSimulator(demoSimulatorOptions());
    running.push(simulator);
    await simulator.start();
    return simulator;
  }

  async function refresh(simulator: WechatSimulator, merchant: (typeof demo.merchants)[number]): Promise<Response> {
    const { component } = demoSimulatorOptions();
    const issued = await post(simulator, COMPONENT_TOKEN_PATH, {
      component_appid: component.appId,
      component_appsecret: component.appSecret,
      component_verify_ticket: component.verifyTicket,
    });
    const { component_access_token: token } = (await issued.json()) as { component_access_token: string };
    return post(simulator, `${AUTHORIZER_TOKEN_PATH}?component_access_token=${token}`, {
      component_appid: component.appId,
      authorizer_appid: merchant.authorizerAppId,
      authorizer_refresh_token: merchant.authorizerRefreshToken,
    });
  }

  it("answers 61023 to m_2005's refresh token: the merchant must authorize again", async () => {
    const simulator = await demoSimulator();
    const m2005 = demo.merchants.find((merchant) => merchant.merchantId === 'm_2005');
    if (!m2005) throw new Error('demo-authorizers.json lost m_2005');
    expect(await errcodeOf(refresh(simulator, m2005))).toBe(61023);
  });

  it('mints a token for every other refresh-token merchant, which reads its environments or its standing errcode', async () => {
    const simulator = await demoSimulator();
    const standing = new Map(demoSimulatorOptions().authorizers.map((authorizer) => [authorizer.appId, authorizer.errcode ?? 0]));
    const refreshable = demo.merchants.filter((merchant) => 'authorizerRefreshToken' in merchant && merchant.merchantId !== 'm_2005');
    expect(refreshable.length).toBeGreaterThanOrEqual(6);
    for (const merchant of refreshable) {
      const issued = (await (await refresh(simulator, merchant)).json()) as Json;
      expect(issued, merchant.merchantId).toEqual({
        authorizer_access_token: expect.stringMatching(opaqueToken),
        expires_in: 7200,
        authorizer_refresh_token: merchant.authorizerRefreshToken,
      });
      const answer = (await (await getEnvInfo(simulator, String(issued.authorizer_access_token))).json()) as Json;
      expect(answer.errcode, merchant.merchantId).toBe(standing.get(merchant.authorizerAppId));
      if (answer.errcode !== 0) expect(answer.errmsg).toMatch(rid);
    }
  });
});

describe('api_query_auth', () => {
  const queryAuth = async (simulator: WechatSimulator, code: string, token?: string) =>
    (await post(simulator, `${QUERY_AUTH_PATH}?component_access_token=${encodeURIComponent(token ?? (await componentToken(simulator)))}`, { component_appid: component.appId, authorization_code: code })).json() as Promise<Json>;

  it('trades an authorization code once for the authorizer\'s first access token and its new refresh token', async () => {
    const simulator = await started();
    const code = simulator.authorize(storefront.appId);

    const answer = (await queryAuth(simulator, code)) as { authorization_info: Record<string, unknown> };

    expect(answer.authorization_info).toMatchObject({ authorizer_appid: storefront.appId, expires_in: 7200, authorizer_refresh_token: simulator.currentRefreshToken(storefront.appId) });
    expect(simulator.currentRefreshToken(storefront.appId)).not.toBe(storefront.refreshToken);
    const token = String(answer.authorization_info['authorizer_access_token']);
    expect(token).toMatch(opaqueToken);
    expect((await (await post(simulator, `${GET_ENV_INFO_PATH}?access_token=${token}`, {})).json()) as Json).toMatchObject({ errcode: 0 });
    expect(await queryAuth(simulator, code)).toMatchObject({ errcode: 61009, errmsg: expect.stringMatching(rid) });
  });

  it('answers 61009 to a code it never issued and 40001 to a component token it did not', async () => {
    const simulator = await started();
    expect(await queryAuth(simulator, 'queryauthcode@@@made-up')).toMatchObject({ errcode: 61009 });
    expect(await queryAuth(simulator, simulator.authorize(storefront.appId), 'not-a-component-token')).toMatchObject({ errcode: 40001 });
  });

  it('authorizes again an authorizer that had withdrawn', async () => {
    const simulator = await started();
    simulator.deauthorize(storefront.appId);
    expect(await (await requestAuthorizerToken(simulator, await componentToken(simulator))).json()).toMatchObject({ errcode: 61003 });
    simulator.authorize(storefront.appId);
    expect(await authorizerToken(simulator, { authorizer_refresh_token: simulator.currentRefreshToken(storefront.appId) })).toMatch(opaqueToken);
  });
});
