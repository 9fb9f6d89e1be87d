import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import demo from '../src/simulator/demo-authorizers.json' with { type: 'json' };
import {
  DEMO_AUTHORIZERS_FILE,
  DEMO_COMPONENT,
  WechatSimulator,
  demoAuthorizers,
  demoSimulatorOptions,
  type SimulatedAuthorizer,
} from '../src/simulator/index.js';
import { RID, errcodeOf } from './support/simulator-http.js';

const rid = RID;
const wechatContentType = 'application/json; encoding=utf-8';

const healthy: SimulatedAuthorizer = {
  appId: 'wx0123456789abcdef',
  accessToken: 'token-healthy',
  environments: [
    { env: 'prod-1a2b3c', alias: 'prod', create_time: '2019-04-04 14:10:28', update_time: '2019-04-04 14:10:36', status: 'NORMAL', package_id: 'basic', package_name: '基础版 1' },
    { env: 'test-4d5e6f', alias: '', create_time: '2020-01-02 03:04:05', update_time: '2020-01-02 03:04:06', status: 'HALTED', package_id: 'basic', package_name: '基础版 1' },
  ],
};

const simulator = new WechatSimulator({
  authorizers: [healthy, { appId: 'wxfedcba9876543210', accessToken: 'token-no-cloud', environments: [], errcode: 85088 }],
});

beforeAll(() => simulator.start());
afterAll(() => simulator.stop());
beforeEach(() => {
  simulator.clearFaults();
  simulator.resetCalls();
});

function getEnvInfo(token: string | undefined, init: RequestInit = {}): Promise<Response> {
  const query = token === undefined ? '' : `?access_token=${encodeURIComponent(token)}`;
  return fetch(`${simulator.url}/tcb/getenvinfo${query}`, { method: 'POST', body: '{}', ...init });
}

describe('getenvinfo', () => {
  it('lists every environment of the authorizer, exactly as WeChat shapes them', async () => {
    const response = await getEnvInfo('token-healthy');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(wechatContentType);
    expect(await response.json()).toEqual({ errcode: 0, errmsg: 'ok', info_list: healthy.environments });
  });

  it('lists only the environment named by env', async () => {
    const response = await getEnvInfo('token-healthy', { body: JSON.stringify({ env: 'test-4d5e6f' }) });
    expect(await response.json()).toEqual({ errcode: 0, errmsg: 'ok', info_list: [healthy.environments[1]] });
  });

  it('answers an empty list for an env the authorizer does not have', async () => {
    const response = await getEnvInfo('token-healthy', { body: JSON.stringify({ env: 'nope-000000' }) });
    expect(await response.json()).toEqual({ errcode: 0, errmsg: 'ok', info_list: [] });
  });

  it('answers 43002 to a GET', async () => {
    expect(await errcodeOf(await getEnvInfo('token-healthy', { method: 'GET', body: null }))).toBe(43002);
  });

  it('answers 41001 when the access token is missing', async () => {
    expect(await errcodeOf(await getEnvInfo(undefined))).toBe(41001);
  });

  it('answers 40001 to an unknown access token', async () => {
    const response = await getEnvInfo('token-nobody');
    const body = (await response.json()) as { errcode: number; errmsg: string };
    expect(body.errcode).toBe(40001);
    expect(body.errmsg).toMatch(/^invalid credential, access_token is invalid or not latest rid: /);
  });

  it('answers 44002 to an empty body', async () => {
    expect(await errcodeOf(await getEnvInfo('token-healthy', { body: '' }))).toBe(44002);
  });

  it('answers 47001 to a body that is not a JSON object', async () => {
    expect(await errcodeOf(await getEnvInfo('token-healthy', { body: '{"env":' }))).toBe(47001);
    expect(await errcodeOf(await getEnvInfo('token-healthy', { body: '["prod"]' }))).toBe(47001);
  });

  it('answers 40097 when env is not a string', async () => {
    expect(await errcodeOf(await getEnvInfo('token-healthy', { body: '{"env":42}' }))).toBe(40097);
  });

  it("answers the authorizer's standing errcode on every call", async () => {
    expect(await errcodeOf(await getEnvInfo('token-no-cloud'))).toBe(85088);
    expect(await errcodeOf(await getEnvInfo('token-no-cloud'))).toBe(85088);
  });

  it('answers 40066 with a 404 to an unknown path', async () => {
    const response = await fetch(`${simulator.url}/cgi-bin/nope?access_token=token-healthy`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errcode: 40066, errmsg: expect.stringMatching(rid) });
  });

  it('gives every error answer a fresh rid', async () => {
    const first = (await (await getEnvInfo('token-nobody')).json()) as { errmsg: string };
    const second = (await (await getEnvInfo('token-nobody')).json()) as { errmsg: string };
    expect(first.errmsg).not.toBe(second.errmsg);
  });

  it('serves answers added later with addAuthorizer, replacing by appid', async () => {
    simulator.addAuthorizer({ appId: 'wx1111111111111111', accessToken: 'token-late', environments: [] });
    expect(await (await getEnvInfo('token-late')).json()).toEqual({ errcode: 0, errmsg: 'ok', info_list: [] });
    simulator.addAuthorizer({ appId: 'wx1111111111111111', accessToken: 'token-late', environments: [], errcode: 61007 });
    expect(await errcodeOf(await getEnvInfo('token-late'))).toBe(61007);
  });

  it("keeps a replaced authorizer's fixed token working, answering as the replacement", async () => {
    simulator.addAuthorizer({ appId: 'wx2222222222222222', accessToken: 'token-before', environments: [] });
    simulator.addAuthorizer({ appId: 'wx2222222222222222', accessToken: 'token-after', environments: [], errcode: 48001 });
    expect(await errcodeOf(await getEnvInfo('token-before'))).toBe(48001);
    expect(await errcodeOf(await getEnvInfo('token-after'))).toBe(48001);
  });
});

describe('recorded calls', () => {
  it('records method, path, token and raw body of every request, in order', async () => {
    await getEnvInfo('token-healthy', { body: '{"env":"prod-1a2b3c"}' });
    await getEnvInfo(undefined, { method: 'GET', body: null });
    expect(simulator.calls).toEqual([
      { method: 'POST', path: '/tcb/getenvinfo', accessToken: 'token-healthy', body: '{"env":"prod-1a2b3c"}', at: expect.any(Number) },
      { method: 'GET', path: '/tcb/getenvinfo', accessToken: undefined, body: '', at: expect.any(Number) },
    ]);
  });

  it('counts calls, optionally by path', async () => {
    await getEnvInfo('token-healthy');
    await fetch(`${simulator.url}/elsewhere`);
    expect(simulator.callCount()).toBe(2);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(1);
    simulator.resetCalls();
    expect(simulator.callCount()).toBe(0);
  });
});

describe('injected faults', () => {
  it('answers an injected errcode with HTTP 200 and a rid, and records the call', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: 45011 });
    const response = await getEnvInfo('token-healthy');
    const body = (await response.json()) as { errmsg: string };
    expect(body).toMatchObject({ errcode: 45011 });
    expect(body.errmsg).toMatch(/^api minute-quota reach limit {2}mustslower {2}retry next minute rid: /);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(1);
  });

  it('answers normally after an injected delay', async () => {
    simulator.injectFault('token-healthy', { kind: 'delay', ms: 150 });
    const started = performance.now();
    const response = await getEnvInfo('token-healthy');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(await response.json()).toMatchObject({ errcode: 0, info_list: healthy.environments });
  });

  it('answers an injected HTTP page as is', async () => {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    simulator.injectFault('token-healthy', { kind: 'http', status: 502, body: page });
    const response = await getEnvInfo('token-healthy');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe(page);
  });

  it('answers HTTP 200 JSON that is cut off in the middle', async () => {
    simulator.injectFault('token-healthy', { kind: 'truncated' });
    const response = await getEnvInfo('token-healthy');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{"errcode":0,')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('resets the connection without answering', async () => {
    simulator.injectFault('token-healthy', { kind: 'reset' });
    await expect(getEnvInfo('token-healthy')).rejects.toThrow(TypeError);
    expect(simulator.callCount()).toBe(1);
  });

  it('hangs until the client gives up', async () => {
    simulator.injectFault('token-healthy', { kind: 'hang' });
    await expect(getEnvInfo('token-healthy', { signal: AbortSignal.timeout(200) })).rejects.toThrow(/aborted/i);
    expect(simulator.callCount()).toBe(1);
  });

  it('applies a fault only as many times as asked, then answers normally', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: -1 }, { times: 2 });
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: 40014 }, { times: 1 });
    expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(-1);
    expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(-1);
    expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(40014);
    expect(await (await getEnvInfo('token-healthy')).json()).toMatchObject({ errcode: 0, errmsg: 'ok' });
  });

  it('keeps applying a fault injected without times', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: 42001 });
    for (let call = 0; call < 3; call += 1) expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(42001);
  });

  it('leaves other tokens alone', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: -1 });
    expect(await errcodeOf(await getEnvInfo('token-no-cloud'))).toBe(85088);
  });

  it('refuses a times below 1', () => {
    expect(() => simulator.injectFault('token-healthy', { kind: 'hang' }, { times: 0 })).toThrow(/at least 1/);
  });

  it('strikes one request in `every` with every: n, the first first', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: -1 }, { every: 2 });
    const seen: number[] = [];
    for (let call = 0; call < 4; call += 1) seen.push(((await (await getEnvInfo('token-healthy')).json()) as { errcode: number }).errcode);
    expect(seen).toEqual([-1, 0, -1, 0]);
    expect(() => simulator.injectFault('token-healthy', { kind: 'hang' }, { every: 0 })).toThrow(/every/);
  });

  it('fails every request, whatever its token or path, during an outage, until it ends', async () => {
    simulator.injectFault('token-healthy', { kind: 'errcode', errcode: 45011 });
    simulator.startOutage({ kind: 'errcode', errcode: -1000 });
    expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(-1000);
    expect(await errcodeOf(await getEnvInfo('token-no-cloud'))).toBe(-1000);
    simulator.endOutage();
    expect(await errcodeOf(await getEnvInfo('token-healthy'))).toBe(45011);
  });
});

describe('random faults', () => {
  const busy = { kind: 'errcode', errcode: -1 } as const;
  const limited = { kind: 'errcode', errcode: 45011 } as const;

  const errcodeOfCall = async () => ((await (await getEnvInfo('token-healthy')).json()) as { errcode: number }).errcode;

  /** The errcode of each of `count` getenvinfo calls in turn (0 for a normal answer). */
  async function errcodes(count: number): Promise<number[]> {
    const seen: number[] = [];
    for (let call = 0; call < count; call += 1) seen.push(await errcodeOfCall());
    return seen;
  }

  /** The errcodes of `count` getenvinfo calls, 50 at a time, in no particular order. */
  async function manyErrcodes(count: number): Promise<number[]> {
    const seen: number[] = [];
    while (seen.length < count) seen.push(...(await Promise.all(Array.from({ length: Math.min(50, count - seen.length) }, errcodeOfCall))));
    return seen;
  }

  it('faults about the asked fraction of getenvinfo calls, choosing among the faults', async () => {
    simulator.injectRandomFaults({ fraction: 0.2, faults: [busy, limited], seed: 42 });
    const seen = await manyErrcodes(400);
    const faulted = seen.filter((errcode) => errcode !== 0);
    // Binomial(400, 0.2): mean 80, standard deviation 8; the bounds are 4 of them away.
    expect(faulted.length).toBeGreaterThan(48);
    expect(faulted.length).toBeLessThan(112);
    expect(new Set(faulted)).toEqual(new Set([-1, 45011]));
    expect(simulator.randomFaultCount).toBe(faulted.length);
  });

  it('makes the same decisions for the same seed, and others for another seed', async () => {
    simulator.injectRandomFaults({ fraction: 0.3, faults: [busy, limited], seed: 7 });
    const first = await errcodes(100);
    simulator.injectRandomFaults({ fraction: 0.3, faults: [busy, limited], seed: 7 });
    expect(await errcodes(100)).toEqual(first);
    simulator.injectRandomFaults({ fraction: 0.3, faults: [busy, limited], seed: 8 });
    expect(await errcodes(100)).not.toEqual(first);
  });

  it('faults nothing at fraction 0 and everything at fraction 1', async () => {
    simulator.injectRandomFaults({ fraction: 0, faults: [busy] });
    expect(new Set(await errcodes(50))).toEqual(new Set([0]));
    simulator.injectRandomFaults({ fraction: 1, faults: [busy] });
    expect(new Set(await errcodes(50))).toEqual(new Set([-1]));
  });

  it('strikes only getenvinfo unless given other paths', async () => {
    simulator.injectRandomFaults({ fraction: 1, faults: [{ kind: 'http', status: 502, body: 'bad gateway' }] });
    expect((await fetch(`${simulator.url}/elsewhere`)).status).toBe(404);
    simulator.injectRandomFaults({ fraction: 1, faults: [{ kind: 'http', status: 502, body: 'bad gateway' }], paths: ['/elsewhere'] });
    expect((await fetch(`${simulator.url}/elsewhere`)).status).toBe(502);
    expect((await getEnvInfo('token-healthy')).status).toBe(200);
  });

  it('lets queued faults go first', async () => {
    simulator.injectRandomFaults({ fraction: 1, faults: [busy] });
    simulator.injectFault('token-healthy', limited, { times: 1 });
    expect(await errcodes(2)).toEqual([45011, -1]);
  });

  it('ends with clearFaults', async () => {
    simulator.injectRandomFaults({ fraction: 1, faults: [busy] });
    simulator.clearFaults();
    expect(await errcodes(5)).toEqual([0, 0, 0, 0, 0]);
    expect(simulator.randomFaultCount).toBe(0);
  });

  it('refuses a fraction outside 0 to 1, an empty fault list and a path without a slash', () => {
    expect(() => simulator.injectRandomFaults({ fraction: 1.5, faults: [busy] })).toThrow(/from 0 to 1/);
    expect(() => simulator.injectRandomFaults({ fraction: Number.NaN, faults: [busy] })).toThrow(/from 0 to 1/);
    expect(() => simulator.injectRandomFaults({ fraction: 0.2, faults: [] })).toThrow(/at least one fault/);
    expect(() => simulator.injectRandomFaults({ fraction: 0.2, faults: [busy], paths: ['tcb/getenvinfo'] })).toThrow(/starting with "\/"/);
  });
});

describe('lifecycle', () => {
  it('stops promptly while a request hangs and a keep-alive socket is pooled', async () => {
    const own = new WechatSimulator({ authorizers: [healthy] });
    await own.start();
    await (await fetch(`${own.url}/tcb/getenvinfo?access_token=token-healthy`, { method: 'POST', body: '{}' })).text();
    own.injectFault('token-healthy', { kind: 'hang' });
    const hung = fetch(`${own.url}/tcb/getenvinfo?access_token=token-healthy`, { method: 'POST', body: '{}' });
    while (own.callCount() < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    // The hung request never ends by itself: stop() returning at all, and the request cut, is the proof.
    await own.stop();
    await expect(hung).rejects.toThrow(TypeError);
  });

  it('stops promptly while a delayed answer is pending', async () => {
    const own = new WechatSimulator({ authorizers: [healthy] });
    await own.start();
    own.injectFault('token-healthy', { kind: 'delay', ms: 60_000 });
    const delayed = fetch(`${own.url}/tcb/getenvinfo?access_token=token-healthy`, { method: 'POST', body: '{}' });
    while (own.callCount() < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await own.stop();
    // Cut, not answered: a stop() that waited out the minute would have let the answer through.
    await expect(delayed).rejects.toThrow(TypeError);
  });

  it('says how to fix reading the url before start', () => {
    expect(() => new WechatSimulator().url).toThrow(/await simulator.start\(\)/);
  });

  it('can be started again after stopping', async () => {
    const own = new WechatSimulator();
    await own.start();
    await own.stop();
    const url = await own.start({ host: '127.0.0.1' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await own.stop();
  });
});

describe('demo seed', () => {
  const authorizers = demoAuthorizers();
  const byAppId = new Map(authorizers.map((authorizer) => [authorizer.appId, authorizer]));
  const merchant = (id: string) => demo.merchants.find((m) => m.merchantId === id);
  const seededFor = (id: string) => byAppId.get(merchant(id)?.authorizerAppId ?? '');

  it('gives every merchant in demo-authorizers.json exactly one of a refresh token and a fixed access token', () => {
    for (const entry of demo.merchants) {
      const kinds = (['authorizerRefreshToken', 'authorizerAccessToken'] as const).filter((key) => key in entry);
      expect(kinds, entry.merchantId).toHaveLength(1);
    }
    expect(merchant('m_1003')).toHaveProperty('authorizerAccessToken', 'demo-token-personal-plan');
    expect(demo.merchants.filter((m) => 'authorizerRefreshToken' in m).map((m) => m.merchantId)).toEqual([
      'm_1001', 'm_1002', 'm_2001', 'm_2002', 'm_2003', 'm_2004', 'm_2005',
    ]);
  });

  it("seeds an authorizer for every merchant, under that merchant's appid and with the file's token", () => {
    for (const entry of demo.merchants) {
      const authorizer = byAppId.get(entry.authorizerAppId);
      expect(authorizer, entry.merchantId).toBeDefined();
      if ('authorizerAccessToken' in entry) expect(authorizer?.accessToken).toBe(entry.authorizerAccessToken);
      else if (entry.merchantId !== 'm_2005') expect(authorizer?.refreshToken).toBe(entry.authorizerRefreshToken);
    }
    expect(authorizers).toHaveLength(new Set(demo.merchants.map((m) => m.authorizerAppId)).size);
  });

  it('accepts a different refresh token for m_2005 than the file holds, so it must re-authorize', () => {
    const m2005 = merchant('m_2005');
    expect(m2005?.authorizerAppId).not.toBe(merchant('m_2004')?.authorizerAppId);
    expect(seededFor('m_2005')?.refreshToken).toMatch(/^demo-refresh-/);
    expect(seededFor('m_2005')?.refreshToken).not.toBe(m2005?.authorizerRefreshToken);
  });

  it('gives m_1001 and m_1002 the same authorizer, covering every status and an empty alias', () => {
    expect(merchant('m_1001')?.authorizerAppId).toBe(merchant('m_1002')?.authorizerAppId);
    expect(merchant('m_1001')?.authorizerRefreshToken).toBe(merchant('m_1002')?.authorizerRefreshToken);
    const shared = seededFor('m_1001');
    expect(shared?.environments.map((e) => e.status)).toEqual(expect.arrayContaining(['NORMAL', 'HALTED', 'UNAVAILABLE', 'ARREARS']));
    expect(shared?.environments.some((e) => e.alias === '')).toBe(true);
  });

  it('gives the m_2xxx merchants their standing errcodes and leaves m_3001 out', () => {
    expect(['m_2001', 'm_2002', 'm_2003', 'm_2004'].map((id) => seededFor(id)?.errcode)).toEqual([42001, 61007, -1, 85088]);
    expect(demo.merchants.some((m) => m.merchantId === 'm_3001')).toBe(false);
  });

  it('points DEMO_AUTHORIZERS_FILE at the very file the seed reads', async () => {
    expect(JSON.parse(await readFile(DEMO_AUTHORIZERS_FILE, 'utf8'))).toEqual(demo);
  });

  it('uses WeChat-shaped appids and obviously fake tokens and component credentials', () => {
    for (const authorizer of authorizers) {
      expect(authorizer.appId).toMatch(/^wx[0-9a-f]{16}$/);
      if (authorizer.accessToken !== undefined) expect(authorizer.accessToken).toMatch(/^demo-token-/);
      if (authorizer.refreshToken !== undefined) expect(authorizer.refreshToken).toMatch(/^demo-refresh-/);
    }
    expect(DEMO_COMPONENT.appId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(DEMO_COMPONENT.appSecret).toMatch(/^demo-component-secret-/);
    expect(DEMO_COMPONENT.verifyTicket).toMatch(/^ticket@@@demo-/);
  });

  it('builds fresh authorizers on every call, so one simulator cannot edit the next one\'s world', () => {
    const [first] = demoAuthorizers();
    first?.environments.pop();
    expect(demoAuthorizers()[0]?.environments).toHaveLength(authorizers[0]?.environments.length ?? -1);
    expect(demoSimulatorOptions()).toEqual({ authorizers, component: DEMO_COMPONENT });
  });

  it("answers m_1003's fixed token over HTTP", async () => {
    const own = new WechatSimulator(demoSimulatorOptions());
    await own.start();
    try {
      const personal = await fetch(`${own.url}/tcb/getenvinfo?access_token=demo-token-personal-plan`, { method: 'POST', body: '{}' });
      expect(await personal.json()).toMatchObject({ errcode: 0, info_list: [{ env: 'shop-3a7c1e', package_id: 'baas_personal' }] });
    } finally {
      await own.stop();
    }
  });
});
