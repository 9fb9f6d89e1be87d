import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SimulatedAuthorizer, type SimulatedFault, WechatSimulator } from '../../src/simulator/index.js';
import { CloudEnvironmentStatus } from '../../src/wechat/env-info.js';
import { AuthorizerHeldBackError, DeadlinePassedError, WechatApiError, WechatTransportError } from '../../src/wechat/errors.js';
import { WechatClient, type WechatClientOptions } from '../../src/wechat/wechat-client.js';

/** Distinctive, so any echo of it anywhere is unmistakable. */
const TOKEN = 'LEAKY-authorizer-token-4f1e9c2b7a';
const BAD_TIME_TOKEN = 'LEAKY-bad-time-token-8d3c6e0f1a';
const UNKNOWN_TOKEN = 'LEAKY-unknown-token-2a7b5c9d0e';
const RID = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

const storefront: SimulatedAuthorizer = {
  appId: 'wx5f3c0a1b2c3d4e5f',
  accessToken: TOKEN,
  environments: [
    { env: 'prod-7g3k9d', alias: 'prod', create_time: '2019-04-04 14:10:28', update_time: '2019-04-04 14:10:36', status: 'NORMAL', package_id: 'basic', package_name: '基础版 1' },
    { env: 'staging-2b8f1c', alias: 'staging', create_time: '2023-05-20 03:00:00', update_time: '2024-08-30 23:59:07', status: 'HALTED', package_id: 'basic', package_name: '基础版 1' },
    { env: 'sandbox-5d1e7a', alias: '', create_time: '2025-01-06 10:00:00', update_time: '2025-01-06 10:00:02', status: 'UNAVAILABLE', package_id: 'baas_personal', package_name: '个人版' },
    { env: 'legacy-9c4a2f', alias: 'legacy', create_time: '2021-07-01 08:30:45', update_time: '2024-02-29 12:00:00', status: 'ARREARS', package_id: 'basic', package_name: '基础版 1' },
  ],
};

const badTime: SimulatedAuthorizer = {
  appId: 'wx8a61d2e4b7c90f13',
  accessToken: BAD_TIME_TOKEN,
  environments: [
    { env: 'shop-3a7c1e', alias: 'shop', create_time: '2019-04-04T14:10:28Z', update_time: '2019-04-04 14:10:36', status: 'NORMAL', package_id: 'basic', package_name: '基础版 1' },
  ],
};

const simulator = new WechatSimulator({ authorizers: [storefront, badTime] });
const logLines: string[] = [];
const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
let client: WechatClient;

/** The configured defaults, on a small pool: 4 sockets, 4 calls at once, 1 per authorizer (an eighth of the pool, at least 1). */
const SMALL_POOL = { ...loadConfig({}).wechat, timeoutMs: 2_000, maxConnections: 4, maxConcurrency: 4, maxConcurrencyPerAuthorizer: 1 };

function newClient(options: Partial<WechatClientOptions> = {}): WechatClient {
  return new WechatClient({ ...SMALL_POOL, baseUrl: simulator.url, retryBaseDelayMs: 1, logger, ...options });
}

beforeAll(async () => {
  await simulator.start();
});
afterAll(async () => {
  await simulator.stop();
});
// A fresh client per test: its circuit breaker must not carry one test's failures into the next.
beforeEach(() => {
  client = newClient();
  simulator.clearFaults();
  simulator.resetCalls();
  logLines.length = 0;
});
afterEach(async () => {
  vi.useRealTimers();
  await client.close();
});

/**
 * Stops Date.now, so back-off windows and deadlines end when the test moves the clock on, not
 * when a busy machine gets round to the next step; timers stay real, so HTTP, call timeouts
 * and retries run as ever.
 */
const freezeClock = () => vi.useFakeTimers({ toFake: ['Date'] });

/** The error getEnvInfo rejects with; fails the test if it resolves. */
async function failureOf(call: Promise<unknown>): Promise<Error> {
  const outcome: unknown = await call.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

function faultWith(fault: SimulatedFault, times?: number): void {
  simulator.injectFault(TOKEN, fault, times === undefined ? {} : { times });
}

/** A bare HTTP server standing in for WeChat when a test needs bytes the simulator never sends. */
async function rawWechat(answer: { status?: number; body: string }): Promise<{ url: string; headers: IncomingHttpHeaders[]; close: () => Promise<void> }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    headers.push(request.headers);
    request.resume();
    request.on('end', () => {
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json; encoding=utf-8' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

describe('WechatClient.getEnvInfo on success', () => {
  it('maps every info_list entry to a CloudEnvironment', async () => {
    const [prod] = await client.getEnvInfo(TOKEN);
    expect(prod).toEqual({
      env: 'prod-7g3k9d',
      alias: 'prod',
      createTime: new Date('2019-04-04T06:10:28Z'),
      updateTime: new Date('2019-04-04T06:10:36Z'),
      status: CloudEnvironmentStatus.NORMAL,
      upstreamStatus: 'NORMAL',
      packageId: 'basic',
      packageName: '基础版 1',
    });
  });

  it('lists the environments in WeChat order', async () => {
    const environments = await client.getEnvInfo(TOKEN);
    expect(environments.map((environment) => environment.env)).toEqual(['prod-7g3k9d', 'staging-2b8f1c', 'sandbox-5d1e7a', 'legacy-9c4a2f']);
  });

  it('reads times as China time, also across midnight', async () => {
    const environments = await client.getEnvInfo(TOKEN, 'staging-2b8f1c');
    expect(environments[0]?.createTime.toISOString()).toBe('2023-05-19T19:00:00.000Z');
  });

  it('maps the documented statuses and serves an undocumented one as UNKNOWN', async () => {
    const environments = await client.getEnvInfo(TOKEN);
    expect(environments.map(({ status, upstreamStatus }) => [status, upstreamStatus])).toEqual([
      [CloudEnvironmentStatus.NORMAL, 'NORMAL'],
      [CloudEnvironmentStatus.HALTED, 'HALTED'],
      [CloudEnvironmentStatus.UNAVAILABLE, 'UNAVAILABLE'],
      [CloudEnvironmentStatus.UNKNOWN, 'ARREARS'],
    ]);
  });

  it('logs an undocumented status once with the env and the text WeChat sent', async () => {
    await client.getEnvInfo(TOKEN);
    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry['level'] === 40);
    expect(warnings).toEqual([expect.objectContaining({ env: 'legacy-9c4a2f', upstreamStatus: 'ARREARS' })]);
  });

  it('keeps an empty alias as an empty string', async () => {
    const [sandbox] = await client.getEnvInfo(TOKEN, 'sandbox-5d1e7a');
    expect(sandbox?.alias).toBe('');
  });

  it('sends the env it was given as {"env": …}', async () => {
    await client.getEnvInfo(TOKEN, 'prod-7g3k9d');
    expect(simulator.calls.map((call) => JSON.parse(call.body) as unknown)).toEqual([{ env: 'prod-7g3k9d' }]);
  });

  it('sends {} without an env, never an empty body', async () => {
    await client.getEnvInfo(TOKEN);
    expect(simulator.calls.map((call) => call.body)).toEqual(['{}']);
  });

  it('POSTs to /tcb/getenvinfo with the token in the query string', async () => {
    await client.getEnvInfo(TOKEN);
    expect(simulator.calls.map(({ method, path, accessToken }) => ({ method, path, accessToken }))).toEqual([
      { method: 'POST', path: '/tcb/getenvinfo', accessToken: TOKEN },
    ]);
  });

  it('answers only the named environment', async () => {
    const environments = await client.getEnvInfo(TOKEN, 'sandbox-5d1e7a');
    expect(environments.map((environment) => environment.env)).toEqual(['sandbox-5d1e7a']);
  });

  it('answers an empty list for an env the authorizer does not have', async () => {
    expect(await client.getEnvInfo(TOKEN, 'nope-000000')).toEqual([]);
  });

  it('carries a token with URL-special characters intact', async () => {
    const token = 'tok+/=&?%#-special';
    simulator.addAuthorizer({ ...storefront, accessToken: token });
    await client.getEnvInfo(token);
    expect(simulator.calls[0]?.accessToken).toBe(token);
  });

  it('waits out a slow answer within the timeout', async () => {
    faultWith({ kind: 'delay', ms: 100 }, 1);
    expect(await client.getEnvInfo(TOKEN, 'prod-7g3k9d')).toHaveLength(1);
  });
});

describe('WechatClient on the wire, against a bare server', () => {
  it('sends content-type application/json', async () => {
    const wechat = await rawWechat({ body: '{"errcode":0,"errmsg":"ok","info_list":[]}' });
    const bare = newClient({ baseUrl: wechat.url });
    try {
      await bare.getEnvInfo(TOKEN);
      expect(wechat.headers[0]?.['content-type']).toBe('application/json');
    } finally {
      await bare.close();
      await wechat.close();
    }
  });

  it('treats a success answer without info_list as no environments', async () => {
    const wechat = await rawWechat({ body: '{"errcode":0,"errmsg":"ok"}' });
    const bare = newClient({ baseUrl: wechat.url });
    try {
      expect(await bare.getEnvInfo(TOKEN)).toEqual([]);
    } finally {
      await bare.close();
      await wechat.close();
    }
  });

  it.each([
    ['info_list is not an array', '{"errcode":0,"errmsg":"ok","info_list":{}}'],
    ['errcode is not a number', '{"errcode":"40001","errmsg":"invalid credential"}'],
    ['the answer is a JSON array', '[]'],
    ['an entry has no env', '{"errcode":0,"info_list":[{"status":"NORMAL","create_time":"2019-04-04 14:10:28","update_time":"2019-04-04 14:10:28"}]}'],
  ])('calls it an invalid body when %s', async (_what, body) => {
    const wechat = await rawWechat({ body });
    const bare = newClient({ baseUrl: wechat.url });
    try {
      const error = await failureOf(bare.getEnvInfo(TOKEN));
      expect(error).toBeInstanceOf(WechatTransportError);
      expect((error as WechatTransportError).failure).toBe('invalid-body');
    } finally {
      await bare.close();
      await wechat.close();
    }
  });
});

describe('WechatClient on an errcode', () => {
  it('throws a WechatApiError with errcode, errmsg and rid', async () => {
    faultWith({ kind: 'errcode', errcode: 61007 });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect(error).toBeInstanceOf(WechatApiError);
    const { errcode, errmsg, rid, endpoint } = error as WechatApiError;
    expect({ errcode, endpoint }).toEqual({ errcode: 61007, endpoint: '/tcb/getenvinfo' });
    expect(errmsg).toMatch(/^api is unauthorized to component rid: /);
    expect(rid).toMatch(RID);
    expect(errmsg.endsWith(rid ?? '-')).toBe(true);
  });

  it('answers an unknown token with 40001', async () => {
    const error = await failureOf(client.getEnvInfo(UNKNOWN_TOKEN));
    expect((error as WechatApiError).errcode).toBe(40001);
  });

  it('asks again twice when WeChat stays busy (-1), then gives up: 3 calls', async () => {
    faultWith({ kind: 'errcode', errcode: -1 });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect((error as WechatApiError).errcode).toBe(-1);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(3);
  });

  it('succeeds on the second call when WeChat was busy once: 2 calls', async () => {
    faultWith({ kind: 'errcode', errcode: -1 }, 1);
    expect(await client.getEnvInfo(TOKEN, 'prod-7g3k9d')).toHaveLength(1);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(2);
  });

  it('logs each retry of a busy WeChat at warn level with the rid', async () => {
    faultWith({ kind: 'errcode', errcode: -1 });
    await failureOf(client.getEnvInfo(TOKEN));
    const retries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry['msg'] === 'retrying a transient WeChat failure');
    expect(retries.map((entry) => [entry['errcode'], entry['attempt']])).toEqual([
      [-1, 1],
      [-1, 2],
    ]);
    expect(retries.every((entry) => typeof entry['rid'] === 'string' && RID.test(entry['rid']))).toBe(true);
  });

  it('asks once more on a system error (-1000), then gives up: 2 calls', async () => {
    faultWith({ kind: 'errcode', errcode: -1000 });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect((error as WechatApiError).errcode).toBe(-1000);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(2);
  });

  it('succeeds after one system error (-1000): 2 calls', async () => {
    faultWith({ kind: 'errcode', errcode: -1000 }, 1);
    expect(await client.getEnvInfo(TOKEN)).toHaveLength(4);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(2);
  });

  it('does not retry an invalid token (40001): 1 call', async () => {
    await failureOf(client.getEnvInfo(UNKNOWN_TOKEN));
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(1);
  });

  it.each([45009, 61007, 45011, 85088])('does not retry errcode %i: 1 call', async (errcode) => {
    faultWith({ kind: 'errcode', errcode });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect((error as WechatApiError).errcode).toBe(errcode);
    expect(simulator.callCount('/tcb/getenvinfo')).toBe(1);
  });
});

describe('WechatClient on a transport failure', () => {
  it('gives up on a hung call at the timeout, after two retries: 3 calls', async () => {
    const quick = newClient({ timeoutMs: 200 });
    try {
      faultWith({ kind: 'hang' });
      // A hung call never answers: failing at all means the timer ended it.
      const error = await failureOf(quick.getEnvInfo(TOKEN));
      expect(error).toBeInstanceOf(WechatTransportError);
      expect(error).not.toBeInstanceOf(DeadlinePassedError);
      expect((error as WechatTransportError).failure).toBe('timeout');
      expect(error.message).toContain('no answer within 200 ms');
      expect(simulator.callCount()).toBe(3);
    } finally {
      await quick.close();
    }
  });

  it('does not retry past the caller’s deadline', async () => {
    const quick = newClient({ timeoutMs: 2_000 });
    try {
      freezeClock();
      faultWith({ kind: 'hang' });
      const error = await failureOf(quick.getEnvInfo(TOKEN, undefined, { deadline: Date.now() + 300 }));
      expect((error as WechatTransportError).failure).toBe('timeout');
      // Its one call waited what was left of the deadline, not the 2 s timeout, and was not asked again.
      expect(error).toBeInstanceOf(DeadlinePassedError);
      expect(error.message).toMatch(/deadline passed after 300 ms waiting for WeChat/);
      expect(simulator.callCount()).toBe(1);
    } finally {
      await quick.close();
    }
  });

  it('reports an HTTP 502 gateway page as http-status 502', async () => {
    faultWith({ kind: 'http', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect({ failure: (error as WechatTransportError).failure, httpStatus: (error as WechatTransportError).httpStatus }).toEqual({
      failure: 'http-status',
      httpStatus: 502,
    });
  });

  it('retries an HTTP 502 twice, then gives up: 3 calls', async () => {
    faultWith({ kind: 'http', status: 502, body: '<html>502</html>' });
    await failureOf(client.getEnvInfo(TOKEN));
    expect(simulator.callCount()).toBe(3);
  });

  it('succeeds when a 502 clears on retry: 2 calls', async () => {
    faultWith({ kind: 'http', status: 502, body: '<html>502</html>' }, 1);
    expect(await client.getEnvInfo(TOKEN)).toHaveLength(4);
    expect(simulator.callCount()).toBe(2);
  });

  it('reports truncated JSON as an invalid body', async () => {
    faultWith({ kind: 'truncated' });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect((error as WechatTransportError).failure).toBe('invalid-body');
  });

  it('reports a reset connection as a connection failure', async () => {
    faultWith({ kind: 'reset' });
    const error = await failureOf(client.getEnvInfo(TOKEN));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect((error as WechatTransportError).failure).toBe('connection');
  });

  it('reports a refused connection as a connection failure', async () => {
    const nowhere = newClient({ baseUrl: await closedPortUrl() });
    try {
      const error = await failureOf(nowhere.getEnvInfo(TOKEN));
      expect(error).toBeInstanceOf(WechatTransportError);
      expect((error as WechatTransportError).failure).toBe('connection');
    } finally {
      await nowhere.close();
    }
  });

  it('reports an entry with a create_time that is not WeChat time as an invalid body', async () => {
    const error = await failureOf(client.getEnvInfo(BAD_TIME_TOKEN));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect((error as WechatTransportError).failure).toBe('invalid-body');
    expect(error.message).toContain('create_time');
  });

  it('serves the next call normally after a reset', async () => {
    faultWith({ kind: 'reset' }, 3);
    await failureOf(client.getEnvInfo(TOKEN));
    expect(await client.getEnvInfo(TOKEN, 'prod-7g3k9d')).toHaveLength(1);
  });
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('WechatClient holding back an authorizer whose calls keep failing', () => {
  const AUTHORIZER = storefront.appId;
  const heldClient = () => newClient({ authorizerBackoffBaseMs: 300, authorizerBackoffMaxMs: 300 });
  const call = (held: WechatClient) => held.getEnvInfo(TOKEN, undefined, { authorizer: AUTHORIZER });

  it('answers at once with the last failure while held back, then lets one probe through, whose success clears it', async () => {
    const held = heldClient();
    try {
      freezeClock();
      simulator.injectFault(TOKEN, { kind: 'errcode', errcode: -1 });
      await expect(call(held)).rejects.toMatchObject({ errcode: -1 });
      expect(simulator.callCount()).toBe(3); // the call and its two retries: one failure
      const refused = await call(held).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AuthorizerHeldBackError);
      expect((refused as AuthorizerHeldBackError).lastFailure).toMatchObject({ errcode: -1 });
      expect((refused as AuthorizerHeldBackError).retryAfterMs).toBeLessThanOrEqual(300);
      expect(simulator.callCount()).toBe(3);
      expect(logLines.filter((line) => line.includes('holding it back'))).toEqual([expect.stringContaining(AUTHORIZER)]);

      vi.advanceTimersByTime(300); // the longest the first back-off can be
      simulator.clearFaults();
      await expect(call(held)).resolves.toHaveLength(4); // the probe: one call
      await expect(call(held)).resolves.toHaveLength(4);
      expect(simulator.callCount()).toBe(5);
    } finally {
      await held.close();
    }
  });

  it('makes the probe a single call and holds back longer when it fails', async () => {
    const held = newClient({ authorizerBackoffBaseMs: 100, authorizerBackoffMaxMs: 10_000 });
    try {
      freezeClock();
      simulator.injectFault(TOKEN, { kind: 'http', status: 502, body: 'bad gateway' });
      await expect(call(held)).rejects.toMatchObject({ failure: 'http-status' });
      vi.advanceTimersByTime(100); // the first back-off: 50–100 ms
      await expect(call(held)).rejects.toMatchObject({ failure: 'http-status' });
      expect(simulator.callCount()).toBe(4);
      const refused = (await call(held).catch((error: unknown) => error)) as AuthorizerHeldBackError;
      expect(refused).toBeInstanceOf(AuthorizerHeldBackError);
      // The second back-off, doubled and jittered: 100–200 ms, all of it still ahead.
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(100);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(200);
    } finally {
      await held.close();
    }
  });

  it.each([61007, 85088, 45009, 40001])('never holds back on errcode %i: it is an answer, not trouble', async (errcode) => {
    const held = heldClient();
    try {
      simulator.injectFault(TOKEN, { kind: 'errcode', errcode });
      await expect(call(held)).rejects.toBeInstanceOf(WechatApiError);
      await expect(call(held)).rejects.toBeInstanceOf(WechatApiError);
      expect(simulator.callCount()).toBe(2);
    } finally {
      await held.close();
    }
  });

  it('holds back on 45011: asking again within the minute only keeps the quota spent', async () => {
    const held = heldClient();
    try {
      freezeClock();
      simulator.injectFault(TOKEN, { kind: 'errcode', errcode: 45011 });
      await expect(call(held)).rejects.toMatchObject({ errcode: 45011 });
      await expect(call(held)).rejects.toBeInstanceOf(AuthorizerHeldBackError);
      expect(simulator.callCount()).toBe(1);
    } finally {
      await held.close();
    }
  });

  it('holds back nobody for a call whose deadline passed while it waited for a slot (it was never sent)', async () => {
    const held = newClient({ maxConcurrency: 1, timeoutMs: 300, authorizerBackoffBaseMs: 10_000, authorizerBackoffMaxMs: 10_000 });
    try {
      simulator.injectFault(TOKEN, { kind: 'hang' }, { times: 1 });
      const hanging = held.getEnvInfo(TOKEN, undefined, { authorizer: 'wx-hanging' }).catch((error: unknown) => error);
      while (simulator.callCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const late = await held.getEnvInfo(TOKEN, undefined, { authorizer: AUTHORIZER, deadline: Date.now() + 50 }).catch((error: unknown) => error);
      expect(late).toMatchObject({ failure: 'timeout', message: expect.stringMatching(/deadline passed before the call/) });
      await expect(call(held)).resolves.toHaveLength(4);
      await hanging;
    } finally {
      await held.close();
    }
  });

  it('holds back nobody, and counts nothing against WeChat, when the caller’s deadline cut the call’s timeout short', async () => {
    // A circuit that one failure would open: the call that follows shows it stayed closed.
    const held = newClient({ timeoutMs: 5_000, authorizerBackoffBaseMs: 10_000, authorizerBackoffMaxMs: 10_000, circuitMinFailures: 1, circuitMinAuthorizers: 1 });
    try {
      freezeClock(); // all 150 ms of the deadline are left when the call is sent
      simulator.injectFault(TOKEN, { kind: 'hang' }, { times: 1 });
      const late = await held.getEnvInfo(TOKEN, undefined, { authorizer: AUTHORIZER, deadline: Date.now() + 150 }).catch((error: unknown) => error);
      expect(late).toBeInstanceOf(DeadlinePassedError);
      expect(late).toMatchObject({ failure: 'timeout', message: expect.stringMatching(/deadline passed after 150 ms waiting for WeChat/) });
      expect(held.guard.backoff.heldBack).toBe(0);
      await expect(call(held)).resolves.toHaveLength(4);
    } finally {
      await held.close();
    }
  });

  it('still blames WeChat for a timeout it had its full WECHAT_TIMEOUT_MS for', async () => {
    const held = newClient({ timeoutMs: 150, authorizerBackoffBaseMs: 10_000, authorizerBackoffMaxMs: 10_000 });
    try {
      simulator.injectFault(TOKEN, { kind: 'hang' });
      const slow = await held.getEnvInfo(TOKEN, undefined, { authorizer: AUTHORIZER, deadline: Date.now() + 10_000 }).catch((error: unknown) => error);
      expect(slow).not.toBeInstanceOf(DeadlinePassedError);
      expect(slow).toMatchObject({ failure: 'timeout', message: expect.stringMatching(/no answer within 150 ms/) });
      await expect(call(held)).rejects.toBeInstanceOf(AuthorizerHeldBackError);
    } finally {
      await held.close();
    }
  });

  it('holds back nobody for calls made without an authorizer (the platform’s own)', async () => {
    simulator.injectFault(TOKEN, { kind: 'errcode', errcode: 45011 });
    await expect(client.getEnvInfo(TOKEN)).rejects.toMatchObject({ errcode: 45011 });
    await expect(client.getEnvInfo(TOKEN)).rejects.toMatchObject({ errcode: 45011 });
    expect(simulator.callCount()).toBe(2);
  });
});

describe('WechatClient keeping the access token secret', () => {
  const failures: ReadonlyArray<readonly [string, () => Promise<Error>]> = [
    ['an errcode', () => (faultWith({ kind: 'errcode', errcode: 45009 }), failureOf(client.getEnvInfo(TOKEN)))],
    ['retries exhausted', () => (faultWith({ kind: 'errcode', errcode: -1 }), failureOf(client.getEnvInfo(TOKEN)))],
    ['an unknown token', () => failureOf(client.getEnvInfo(UNKNOWN_TOKEN))],
    ['a timeout', async () => {
      const quick = newClient({ timeoutMs: 200 });
      faultWith({ kind: 'hang' });
      try {
        return await failureOf(quick.getEnvInfo(TOKEN));
      } finally {
        await quick.close();
      }
    }],
    ['an HTTP 502', () => (faultWith({ kind: 'http', status: 502, body: `<html>bad gateway for /tcb/getenvinfo?access_token=${TOKEN}</html>` }), failureOf(client.getEnvInfo(TOKEN)))],
    ['truncated JSON', () => (faultWith({ kind: 'truncated' }), failureOf(client.getEnvInfo(TOKEN)))],
    ['a reset', () => (faultWith({ kind: 'reset' }), failureOf(client.getEnvInfo(TOKEN)))],
    ['a refused connection', async () => {
      const nowhere = newClient({ baseUrl: await closedPortUrl() });
      try {
        return await failureOf(nowhere.getEnvInfo(TOKEN));
      } finally {
        await nowhere.close();
      }
    }],
    ['a bad create_time', () => failureOf(client.getEnvInfo(BAD_TIME_TOKEN))],
  ];

  it.each(failures)('keeps the token out of the error on %s', async (_what, fail) => {
    const error = await fail();
    const renderings = [error.message, String(error), JSON.stringify(error), error.stack ?? '', inspect(error, { depth: 5 })];
    for (const [index, text] of renderings.entries()) {
      expect({ index, leaks: [TOKEN, UNKNOWN_TOKEN, BAD_TIME_TOKEN].filter((token) => text.includes(token)) }).toEqual({ index, leaks: [] });
    }
  });

  it.each(failures)('keeps the token out of the logs on %s', async (_what, fail) => {
    await fail();
    expect(logLines.filter((line) => line.includes('LEAKY-'))).toEqual([]);
  });
});
