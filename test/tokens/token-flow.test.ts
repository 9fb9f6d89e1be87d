/**
 * The open-platform token flow end to end, against the simulator's token endpoints over
 * real HTTP: once with everything in memory, once with the real Redis. Tokens are minted
 * once per authorizer however many operations race for them, refreshed ahead of expiry,
 * healed when WeChat rejects them, and their failures reach only the merchants concerned.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTHORIZER_LIST_PATH, AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, appIdOf, testMerchants, tokenEndpointCalls, type TestMerchant } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, readKey, uniquePrefix } from '../support/redis.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const TWENTY = Array.from({ length: 20 }, (_, index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));

let stacks: SubgraphStack[] = [];
let prefixes: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stacks.map((stack) => stack.stop()));
  await Promise.all(prefixes.map((prefix) => deletePrefix(prefix)));
  stacks = [];
  prefixes = [];
});

interface FlowOptions {
  readonly merchants?: readonly TestMerchant[];
  readonly tokenLifetimeSeconds?: number;
  readonly rotateRefreshTokens?: boolean;
  readonly env?: Record<string, string>;
  readonly before?: (prefix: string) => Promise<void>;
}

function suite(mode: 'memory' | 'redis') {
  async function start(options: FlowOptions = {}) {
    const { authorizers, entries } = testMerchants(options.merchants ?? TWENTY, 'refresh');
    const prefix = uniquePrefix(`tokens-${mode}`);
    prefixes.push(prefix);
    await options.before?.(prefix);
    const stack = await startSubgraphStack({
      simulator: {
        authorizers,
        component: TEST_COMPONENT,
        ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
        ...(options.rotateRefreshTokens ? { rotateRefreshTokens: true } : {}),
      },
      merchants: entries,
      env: { ...(mode === 'redis' ? { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix } : {}), ...options.env },
    });
    stacks.push(stack);
    const query = (...ids: string[]) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });
    return { stack, entries, prefix, query, simulator: stack.simulator };
  }

  it('mints one authorizer token per authorizer and one component token for 200 concurrent cold operations', async () => {
    const { query, simulator } = await start();
    const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => query(`m_${index % 20}`)));
    expect(responses.flatMap((response) => response.body.errors ?? [])).toEqual([]);
    expect(responses.every((response) => response.body.data._entities[0].cloudEnvironments.length === 1)).toBe(true);
    const calls = tokenEndpointCalls(simulator);
    expect(calls.component).toBe(1);
    expect(calls.byAuthorizer.size).toBe(20);
    expect([...calls.byAuthorizer.values()].every((count) => count === 1)).toBe(true);
  });

  it('heals a token revoked upstream: one refresh, and the client sees data without an error', async () => {
    const { query, simulator, entries } = await start({ merchants: TWENTY.slice(0, 2) });
    expect((await query('m_0', 'm_1')).body.errors).toBeUndefined();
    simulator.revokeAuthorizerTokens(appIdOf(entries, 'm_0'));
    simulator.resetCalls();
    const { body } = await query('m_0', 'm_1');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toHaveLength(1);
    expect(tokenEndpointCalls(simulator).byAuthorizer).toEqual(new Map([[appIdOf(entries, 'm_0'), 1]]));
    expect(simulator.callCount(GET_ENV_INFO_PATH)).toBe(3); // m_0 rejected, m_0 retried, m_1
  });

  it('refreshes short-lived tokens ahead of expiry under steady load with no client-visible error', async () => {
    // 1.6 s tokens refreshed at a quarter of their life: a refresh every 0.4 s, fast enough not
    // to wait for, with 1.2 s between a refresh falling due and the token running out.
    const LIFETIME_MS = 1_600;
    const REFRESH_EVERY_MS = LIFETIME_MS / 4;
    const { stack, query, simulator, entries } = await start({ merchants: TWENTY.slice(0, 2), tokenLifetimeSeconds: LIFETIME_MS / 1000, env: { TOKEN_REFRESH_AT_PERCENT: '25' } });
    const errors: unknown[] = [];
    let operations = 0;
    const started = Date.now();
    // Steady load over several refreshes: at least 2 s and 20 operations, however slow the machine.
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        while (Date.now() - started < 5 * REFRESH_EVERY_MS || operations < 20) {
          const { body } = await query(`m_${worker % 2}`);
          operations += 1;
          errors.push(...(body.errors ?? []));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    const elapsedMs = Date.now() - started;
    expect(errors).toEqual([]);
    // Ahead of expiry: WeChat never answered 42001 (expired) for any call. A token a refresh has
    // just superseded answers 40001 and is healed unseen; one used past its life would be 42001.
    const metrics = await (await fetch(new URL('/metrics', stack.subgraph.url))).text();
    expect(metrics.split('\n').filter((line) => /^wechat_upstream_call_duration_seconds_count\{.*outcome="42001"/.test(line))).toEqual([]);
    // Refreshed once per REFRESH_EVERY_MS of the run at most, plus the first mint: never one per operation.
    const minted = simulator.issuedTokenCount('authorizer', appIdOf(entries, 'm_0'));
    expect(minted).toBeGreaterThanOrEqual(2);
    expect(minted).toBeLessThanOrEqual(Math.ceil(elapsedMs / REFRESH_EVERY_MS) + 1);
  });

  it('cures a 61023 with the newer refresh token WeChat lists (api_get_authorizer_list): served, with one list pass', async () => {
    const { query, simulator, entries, stack } = await start({ merchants: TWENTY.slice(0, 2) });
    const appId = appIdOf(entries, 'm_0');
    // The merchant authorized again while we were not listening: a newer refresh token exists at WeChat.
    simulator.authorize(appId);
    registerSecrets(simulator.currentRefreshToken(appId));
    const { body } = await query('m_0', 'm_1');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toHaveLength(1);
    expect(simulator.callCount(AUTHORIZER_LIST_PATH)).toBe(1);
    expect(tokenEndpointCalls(simulator).byAuthorizer.get(appId)).toBe(2); // refused, then minted with the listed one
    expect(stack.logs.lines.join('\n')).toMatch(/the refresh token WeChat refused for wx[0-9a-f]{16} \(61023\) was replaced/);
  });

  it('gives REFRESH_TOKEN_INVALID (61023) to that merchant only when WeChat lists no newer refresh token', async () => {
    const { query, simulator, entries } = await start({ merchants: TWENTY.slice(0, 2) });
    const appId = appIdOf(entries, 'm_0');
    // WeChat accepts another refresh token than ours, and its list shows the account without one (seen in the field).
    simulator.addAuthorizer({ appId, refreshToken: 'a-refresh-token-the-file-does-not-have', environments: [], listedWithoutRefreshToken: true });
    const { body } = await query('m_0', 'm_1');
    expect(body.data._entities).toEqual([{ id: 'm_0', cloudEnvironments: null }, { id: 'm_1', cloudEnvironments: [expect.objectContaining({ env: 'a1-env' })] }]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({
      code: 'REFRESH_TOKEN_INVALID',
      retryable: false,
      merchantId: 'm_0',
      wechat: { errcode: 61023, errmsg: expect.stringMatching(/ rid: /), rid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) },
    });
  });

  it('does not retry a failed refresh in a tight loop: the back-off answers until it ends', async () => {
    const { query, simulator } = await start({ merchants: TWENTY.slice(0, 1), env: { TOKEN_REFRESH_BACKOFF_MS: '400' } });
    // Date.now stands still until the test moves it: "during the back-off" is not a race with a busy machine.
    vi.useFakeTimers({ toFake: ['Date'] });
    simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'errcode', errcode: 45009 }, { times: 1 });
    expect((await query('m_0')).body.errors?.[0]?.extensions?.['code']).toBe('QUOTA_EXCEEDED');
    const again = await Promise.all([query('m_0'), query('m_0'), query('m_0')]);
    expect(again.map((response) => response.body.errors?.[0]?.extensions?.['code'])).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
    expect(simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(1);
    vi.advanceTimersByTime(400);
    expect((await query('m_0')).body.errors).toBeUndefined();
    expect(simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(2);
  });

  it('heals an expired component token on the way to a fresh authorizer token', async () => {
    const { query, simulator, entries } = await start({ merchants: TWENTY.slice(0, 1) });
    expect((await query('m_0')).body.errors).toBeUndefined();
    simulator.expireComponentToken();
    simulator.revokeAuthorizerTokens(appIdOf(entries, 'm_0'));
    expect((await query('m_0')).body.errors).toBeUndefined();
    expect(simulator.callCount(COMPONENT_TOKEN_PATH)).toBe(2);
  });

  it('backs off when even a freshly minted component token is refused, instead of minting one per request', async () => {
    const { query, simulator } = await start({ merchants: TWENTY.slice(0, 2) });
    // The cached component token is refused, then the fresh one too.
    simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'errcode', errcode: 40001 }, { times: 2 });
    expect((await query('m_0')).body.errors?.[0]?.extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', wechat: { errcode: 40001 } });
    expect(simulator.callCount(COMPONENT_TOKEN_PATH)).toBe(2);
    // Another authorizer, during the back-off: answered with the same error, no third component mint.
    expect((await query('m_1')).body.errors?.[0]?.extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', merchantId: 'm_1' });
    expect(simulator.callCount(COMPONENT_TOKEN_PATH)).toBe(2);
    expect(simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(2);
  });

  it('persists the refresh token WeChat hands back', async () => {
    const { query, simulator, entries } = await start({ merchants: TWENTY.slice(0, 1), rotateRefreshTokens: true });
    const appId = appIdOf(entries, 'm_0');
    expect((await query('m_0')).body.errors).toBeUndefined();
    simulator.revokeAuthorizerTokens(appId);
    // The file's refresh token is now dead at WeChat: only the persisted new one works.
    expect((await query('m_0')).body.errors).toBeUndefined();
    expect(simulator.issuedTokenCount('authorizer', appId)).toBe(2);
  });
}

describe('token flow, in memory', () => {
  suite('memory');

  it('does not ask a token endpoint again after a lost answer: a mint may have happened', async () => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const stack = await startSubgraphStack({ simulator: { authorizers, component: TEST_COMPONENT }, merchants: entries });
    stacks.push(stack);
    stack.simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'http', status: 502, body: '<html>502</html>' }, { times: 1 });
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'WECHAT_UNAVAILABLE', retryable: true, wechat: { httpStatus: 502 } });
    expect(stack.simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(1);
  });

  it.each([
    ['61003 (authorization revoked)', 'MERCHANT_NOT_AUTHORIZED', 61003],
    ['45009 (daily quota)', 'QUOTA_EXCEEDED', 45009],
    ['-1 (busy, after retries)', 'WECHAT_BUSY', -1],
  ])('maps a token-endpoint %s to %s on the fields that needed the token', async (_what, code, errcode) => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const stack = await startSubgraphStack({ simulator: { authorizers, component: TEST_COMPONENT }, merchants: entries });
    stacks.push(stack);
    stack.simulator.injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'errcode', errcode }, { times: 3 });
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors![0]!.extensions).toMatchObject({ code, merchantId: 'm_0', wechat: { errcode, rid: expect.any(String) } });
  });

  it.each([
    ['an expired verify ticket (61005)', 'COMPONENT_TICKET_INVALID', { WECHAT_COMPONENT_VERIFY_TICKET: 'ticket@@@superseded' }, 61005],
    ['an invalid verify ticket (61006)', 'COMPONENT_TICKET_INVALID', { WECHAT_COMPONENT_VERIFY_TICKET: 'ticket@@@made-up' }, 61006],
    ['a wrong component appid (40013)', 'COMPONENT_CREDENTIALS_INVALID', { WECHAT_COMPONENT_APPID: 'wx0000000000000bad' }, 40013],
    ['a wrong component secret (40125)', 'COMPONENT_CREDENTIALS_INVALID', { WECHAT_COMPONENT_APPSECRET: 'not-the-secret' }, 40125],
  ])('maps %s to %s', async (_what, code, env, errcode) => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const stack = await startSubgraphStack({ simulator: { authorizers, component: { ...TEST_COMPONENT, verifyTicket: 'ticket@@@superseded' } }, merchants: entries, env });
    stacks.push(stack);
    if (errcode === 61005) stack.simulator.setVerifyTicket('ticket@@@current');
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors![0]!.extensions).toMatchObject({ code, retryable: false, wechat: { errcode } });
  });
});

describeWithRedis('token flow, with Redis', () => {
  suite('redis');

  it('keeps a refresh token Redis already holds instead of the file’s older one', async () => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const appId = entries[0]!.authorizerAppId;
    authorizers[0]!.refreshToken = 'refresh-token-newer-than-the-file';
    const prefix = uniquePrefix('tokens-keep');
    prefixes.push(prefix);
    const { writeKey } = await import('../support/redis.js');
    await writeKey(`${prefix}authorizer:${appId}:refresh-token`, 'refresh-token-newer-than-the-file');
    const stack = await startSubgraphStack({
      simulator: { authorizers, component: TEST_COMPONENT },
      merchants: entries,
      env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix },
    });
    stacks.push(stack);
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors).toBeUndefined();
    expect(await readKey(`${prefix}authorizer:${appId}:refresh-token`)).toBe('refresh-token-newer-than-the-file');
  });

  it('reads the verify ticket the ticket receiver stored before the development fallback', async () => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const prefix = uniquePrefix('tokens-ticket');
    prefixes.push(prefix);
    const { writeKey } = await import('../support/redis.js');
    await writeKey(`${prefix}component:ticket`, TEST_COMPONENT.verifyTicket);
    const stack = await startSubgraphStack({
      simulator: { authorizers, component: TEST_COMPONENT },
      merchants: entries,
      env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix, WECHAT_COMPONENT_VERIFY_TICKET: 'ticket@@@stale-development-value' },
    });
    stacks.push(stack);
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors).toBeUndefined();
    expect(JSON.parse(stack.simulator.calls.find((call) => call.path === COMPONENT_TOKEN_PATH)!.body).component_verify_ticket).toBe(TEST_COMPONENT.verifyTicket);
  });

  it('keeps refresh tokens durable and access tokens under a TTL', async () => {
    const { authorizers, entries } = testMerchants(TWENTY.slice(0, 1), 'refresh');
    const prefix = uniquePrefix('tokens-ttl');
    prefixes.push(prefix);
    const stack = await startSubgraphStack({ simulator: { authorizers, component: TEST_COMPONENT }, merchants: entries, env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix } });
    stacks.push(stack);
    await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_TEST_URL);
    try {
      const appId = entries[0]!.authorizerAppId;
      expect(await redis.pttl(`${prefix}authorizer:${appId}:refresh-token`)).toBe(-1);
      expect(await redis.pttl(`${prefix}authorizer:${appId}:access-token`)).toBeGreaterThan(7_000_000);
      expect(await redis.pttl(`${prefix}component:access-token`)).toBeGreaterThan(7_000_000);
      expect(await redis.hget(`${prefix}merchants`, 'm_0')).toBe(appId);
    } finally {
      redis.disconnect();
    }
  });
});
