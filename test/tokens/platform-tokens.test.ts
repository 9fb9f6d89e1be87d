/**
 * TOKEN_SOURCE=platform end to end: the platform (a stand-in that mints at the simulated
 * WeChat as a real one would) keeps each authorizer's token in its Redis or behind its
 * token service; the subgraph only reads them. It never calls a token endpoint, heals a
 * token the platform rotated, backs off from one the platform still hands out after WeChat
 * rejected it, and says clearly when the platform holds nothing or cannot be reached.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { GET_ENV_INFO_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, testMerchants, tokenEndpointCalls, type TestMerchant } from '../support/merchants.js';
import { TestPlatform, TestTokenService } from '../support/platform.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const MERCHANTS = [0, 1, 2].map((index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const { authorizers, entries: refreshEntries } = testMerchants(MERCHANTS, 'refresh');
/** With TOKEN_SOURCE=platform the file names only the merchant and its authorizer. */
const entries = refreshEntries.map(({ merchantId, authorizerAppId }) => ({ merchantId, authorizerAppId }));
const appId = (merchantId: string) => appIdOf(entries, merchantId);

let stacks: SubgraphStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.map((stack) => stack.stop()));
  stacks = [];
});

async function startPlatformStack(env: Record<string, string>) {
  const stack = await startSubgraphStack({ simulator: { authorizers, component: TEST_COMPONENT }, merchants: entries, env: { TOKEN_SOURCE: 'platform', ...env } });
  stacks.push(stack);
  const platform = new TestPlatform(stack.simulator, TEST_COMPONENT, authorizers);
  // The answer's shape varies by test; each asserts on what it expects.
  const query = async (...merchantIds: string[]): Promise<any> => (await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) })).body;
  const probe = async (path: '/readyz' | '/healthz') => {
    const response = await fetch(new URL(path, stack.subgraph.url));
    return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
  };
  /** Token-endpoint calls the subgraph made: all of them, less the platform's own. */
  const subgraphMints = () => {
    const calls = tokenEndpointCalls(stack.simulator);
    return calls.component + [...calls.byAuthorizer.values()].reduce((sum, count) => sum + count, 0) - platform.tokenEndpointCalls;
  };
  return { stack, platform, query, probe, subgraphMints, getEnvInfoCalls: () => stack.simulator.callCount(GET_ENV_INFO_PATH) };
}

describe('TOKEN_SOURCE=platform, from the platform’s token service', () => {
  const service = new TestTokenService('platform-service-secret-4c1d9e');
  beforeAll(() => service.start());
  afterAll(() => service.stop());
  afterEach(() => {
    service.tokens.clear();
    service.requests.length = 0;
  });

  const start = (env: Record<string, string> = {}) =>
    startPlatformStack({ PLATFORM_TOKEN_URL: service.urlTemplate, PLATFORM_TOKEN_SECRET: service.secret, PLATFORM_TOKEN_BACKOFF_MS: '400', ...env });

  it('serves merchants with the tokens the service hands out, one read for concurrent operations and no token endpoint called', async () => {
    const { platform, query, subgraphMints } = await start();
    for (const merchantId of ['m_0', 'm_1']) service.tokens.set(appId(merchantId), { token: await platform.mint(appId(merchantId)), expiresInSeconds: 7200 });

    const bodies = await Promise.all(Array.from({ length: 20 }, (_, index) => query(`m_${index % 2}`)));

    expect(bodies.flatMap((body) => body.errors ?? [])).toEqual([]);
    expect(bodies[0].data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(service.requestsFor(appId('m_0'))).toBe(1);
    expect(service.requestsFor(appId('m_1'))).toBe(1);
    expect(service.requests.every((request) => request.authorization === `Bearer ${service.secret}`)).toBe(true);
    expect(subgraphMints()).toBe(0);
  });

  it('reuses a token read for PLATFORM_TOKEN_REUSE_MS at most, then reads the platform again', async () => {
    const { platform, query } = await start({ PLATFORM_TOKEN_REUSE_MS: '200' });
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined();
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(appId('m_0'))).toBe(1);
    await sleep(250);
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(appId('m_0'))).toBe(2);
  });

  it('answers MERCHANT_NOT_AUTHORIZED, calling no WeChat endpoint, when the service answers 404', async () => {
    const { query, getEnvInfoCalls, subgraphMints } = await start();
    const body = await query('m_2');
    expect(body.data._entities).toEqual([{ id: 'm_2', cloudEnvironments: null }]);
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_2' });
    expect(body.errors[0].message).toContain(appId('m_2'));
    expect(getEnvInfoCalls()).toBe(0);
    expect(subgraphMints()).toBe(0);
  });

  it('heals a token the platform rotated: the rejected copy is dropped and the platform read again once', async () => {
    const { platform, query, getEnvInfoCalls, subgraphMints } = await start();
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined(); // the first token is now cached in the subgraph
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 }); // WeChat now refuses the first

    const body = await query('m_0');

    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(service.requestsFor(appId('m_0'))).toBe(2);
    expect(getEnvInfoCalls()).toBe(3); // served, rejected, retried with the rotated token
    expect(subgraphMints()).toBe(0);
  });

  it('gives AUTHORIZER_TOKEN_INVALID when the platform still hands the rejected token, and leaves that authorizer alone during the back-off', async () => {
    const { platform, query, getEnvInfoCalls, subgraphMints } = await start();
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 });
    service.tokens.set(appId('m_1'), { token: await platform.mint(appId('m_1')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined();
    const rotated = await platform.mint(appId('m_0')); // WeChat refuses the first; the service has not stored the new one yet

    const rejected = await query('m_0', 'm_1');
    expect(rejected.data._entities[1].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a1-env' })]);
    expect(rejected.errors).toHaveLength(1);
    expect(rejected.errors[0].extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', retryable: false, merchantId: 'm_0', wechat: { errcode: 40001 } });
    expect(service.requestsFor(appId('m_0'))).toBe(2);

    // During the back-off: neither the platform nor WeChat is asked, even though the platform has caught up.
    service.tokens.set(appId('m_0'), { token: rotated, expiresInSeconds: 7200 });
    const calls = getEnvInfoCalls();
    const during = await query('m_0');
    expect(during.errors[0].extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', merchantId: 'm_0' });
    expect(service.requestsFor(appId('m_0'))).toBe(2);
    expect(getEnvInfoCalls()).toBe(calls);

    await sleep(450); // PLATFORM_TOKEN_BACKOFF_MS=400
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(appId('m_0'))).toBe(3);
    expect(subgraphMints()).toBe(0);
  });

  it('answers AUTHORIZER_TOKEN_EXPIRED (retryable) for a token the platform says has expired, without calling WeChat', async () => {
    const { platform, query, getEnvInfoCalls } = await start();
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: -5 });
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'AUTHORIZER_TOKEN_EXPIRED', retryable: true, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(0);
  });

  it('fails fields with TOKEN_STORE_UNAVAILABLE and answers /readyz 503 while the service is unreachable, recovering when it is back', async () => {
    const { platform, query, probe, getEnvInfoCalls } = await start();
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 });
    expect((await probe('/readyz')).status).toBe(200);
    await service.stop();
    try {
      const body = await query('m_0');
      expect(body.data._entities).toEqual([{ id: 'm_0', cloudEnvironments: null }]);
      expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_0' });
      expect(getEnvInfoCalls()).toBe(0);
      const ready = await probe('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/^TOKEN_SOURCE=platform: .*token service .* could not be read \(ECONNREFUSED\)/);
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await service.start();
    }
    expect((await probe('/readyz')).status).toBe(200);
    expect((await query('m_0')).errors).toBeUndefined();
  });

  it('says the platform refused PLATFORM_TOKEN_SECRET, on the field and in /readyz', async () => {
    const { platform, query, probe } = await start({ PLATFORM_TOKEN_SECRET: 'not-the-platform-secret-77' });
    service.tokens.set(appId('m_0'), { token: await platform.mint(appId('m_0')), expiresInSeconds: 7200 });
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: false, merchantId: 'm_0' });
    expect(body.errors[0].message).toMatch(/refused PLATFORM_TOKEN_SECRET \(HTTP 401\)/);
    const ready = await probe('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/refused PLATFORM_TOKEN_SECRET/);
    expect(JSON.stringify([body, ready.body])).not.toContain('not-the-platform-secret-77');
  });

  it('keeps the tokens and the secret out of every response and log line', async () => {
    const { stack, platform, query } = await start();
    const tokens = [await platform.mint(appId('m_0')), await platform.mint(appId('m_1'))];
    service.tokens.set(appId('m_0'), { token: tokens[0]!, expiresInSeconds: 7200 });
    service.tokens.set(appId('m_1'), { token: tokens[1]!, expiresInSeconds: 7200 });
    const bodies = [await query('m_0', 'm_1', 'm_2')];
    await platform.mint(appId('m_1')); // rejected, healed, rejected again: errors and warnings are logged
    bodies.push(await query('m_0', 'm_1'));
    expect(bodies[1].errors[0].extensions.code).toBe('AUTHORIZER_TOKEN_INVALID');
    const seen = JSON.stringify(bodies) + stack.logs.lines.join('\n');
    for (const secret of [...tokens, service.secret]) expect(seen).not.toContain(secret);
  });
});

describeWithRedis('TOKEN_SOURCE=platform, from the platform’s Redis', () => {
  const prefix = uniquePrefix('platform');
  const redis = new Redis(REDIS_TEST_URL);
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
  });

  /** Keys laid out as the platform keeps them: one per component and authorizer. */
  const keyTemplate = `${prefix}wxa:{componentAppId}:authorizer_access_token:{authorizerAppId}`;
  const keyOf = (merchantId: string) => `${prefix}wxa:${TEST_COMPONENT.appId}:authorizer_access_token:${appId(merchantId)}`;
  const start = (env: Record<string, string> = {}) => startPlatformStack({ PLATFORM_REDIS_URL: REDIS_TEST_URL, PLATFORM_TOKEN_REDIS_KEY: keyTemplate, ...env });

  it('reads a raw token kept under a TTL, calling no token endpoint', async () => {
    const { platform, query, subgraphMints } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(appId('m_0')), 'PX', 7_200_000);
    await redis.set(keyOf('m_1'), await platform.mint(appId('m_1')), 'PX', 7_200_000);
    const body = await query('m_0', 'm_1');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((merchant: { cloudEnvironments: Array<{ env: string }> }) => merchant.cloudEnvironments[0]!.env)).toEqual(['a0-env', 'a1-env']);
    expect(subgraphMints()).toBe(0);
  });

  it('never reuses a token past the key’s TTL', async () => {
    const { platform, query, getEnvInfoCalls } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(appId('m_0')), 'PX', 300);
    expect((await query('m_0')).errors).toBeUndefined();
    await sleep(350);
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(1);
  });

  it('reads a JSON record: the token from PLATFORM_TOKEN_FIELD, its life from PLATFORM_TOKEN_EXPIRES_AT_FIELD', async () => {
    const { platform, query, getEnvInfoCalls } = await start({ PLATFORM_TOKEN_FIELD: 'access_token', PLATFORM_TOKEN_EXPIRES_AT_FIELD: 'expire_time' });
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    await redis.set(keyOf('m_0'), JSON.stringify({ access_token: await platform.mint(appId('m_0')), expire_time: inAnHour, authorizer_appid: appId('m_0') }));
    await redis.set(keyOf('m_1'), JSON.stringify({ access_token: await platform.mint(appId('m_1')), expire_time: Math.floor(Date.now() / 1000) - 60 }));
    const body = await query('m_0', 'm_1');
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: 'AUTHORIZER_TOKEN_EXPIRED', retryable: true, merchantId: 'm_1' });
    expect(getEnvInfoCalls()).toBe(1);
  });

  it('reads the default layout: { "authorizer_access_token": … } with an ISO expires_at', async () => {
    const { platform, query } = await start();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await redis.set(keyOf('m_2'), JSON.stringify({ authorizer_access_token: await platform.mint(appId('m_2')), expires_at: expiresAt }));
    expect((await query('m_2')).errors).toBeUndefined();
  });

  it('answers MERCHANT_NOT_AUTHORIZED with no WeChat call when the platform holds no key', async () => {
    const { query, getEnvInfoCalls } = await start();
    await redis.del(keyOf('m_2'));
    const body = await query('m_2');
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_2' });
    expect(body.errors[0].message).toContain(keyOf('m_2'));
    expect(getEnvInfoCalls()).toBe(0);
  });

  it('heals a token the platform rotated in Redis, and still answers from the record it rewrote', async () => {
    const { platform, query, getEnvInfoCalls, subgraphMints } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(appId('m_0')), 'PX', 7_200_000);
    expect((await query('m_0')).errors).toBeUndefined();
    await redis.set(keyOf('m_0'), await platform.mint(appId('m_0')), 'PX', 7_200_000);
    expect((await query('m_0')).errors).toBeUndefined();
    expect(getEnvInfoCalls()).toBe(3);
    expect(subgraphMints()).toBe(0);
  });

  it('names a record it cannot read without quoting it', async () => {
    const { query } = await start();
    await redis.set(keyOf('m_0'), JSON.stringify({ token: 'secret-token-in-the-wrong-field-1f2e' }));
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: false, merchantId: 'm_0' });
    expect(body.errors[0].message).toContain('"authorizer_access_token" field; set PLATFORM_TOKEN_FIELD');
    expect(JSON.stringify(body)).not.toContain('secret-token-in-the-wrong-field');
  });
});

describeWithRedisServer('TOKEN_SOURCE=platform, while the platform’s Redis is down', () => {
  let directory: string | undefined;
  let server: PrivateRedisServer | undefined;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'platform-redis-'));
    server = new PrivateRedisServer(await freePort(), directory);
    await server.start();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  }, 30_000);

  it('fails fields with TOKEN_STORE_UNAVAILABLE and answers /readyz 503, then recovers by itself', async () => {
    const { platform, query, probe, getEnvInfoCalls } = await startPlatformStack({ PLATFORM_REDIS_URL: server!.url, PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}' });
    const platformRedis = new Redis(server!.url);
    try {
      await platformRedis.set(`token:${appId('m_0')}`, await platform.mint(appId('m_0')));
    } finally {
      platformRedis.disconnect();
    }
    expect((await probe('/readyz')).status).toBe(200);
    expect(await server!.stop()).toBe(0);

    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(0);
    const ready = await probe('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.reason).toMatch(/^TOKEN_SOURCE=platform: /);

    await server!.start(); // the same port and append-only file
    const deadline = Date.now() + 10_000;
    let recovered = await query('m_0');
    while (recovered.errors !== undefined && Date.now() < deadline) {
      await sleep(100);
      recovered = await query('m_0');
    }
    expect(recovered.errors).toBeUndefined();
    expect((await probe('/readyz')).status).toBe(200);
  }, 30_000);
});

describe('TOKEN_SOURCE=platform at start-up', () => {
  it('refuses an AUTHORIZERS_FILE entry that carries a token, naming the entry', async () => {
    const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
    const file = await writeTemporaryAuthorizersFile([entries[0]!, refreshEntries[1]!]);
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        ...simulatedWechatEnv(await simulator.start(), file.path, TEST_COMPONENT),
        TOKEN_SOURCE: 'platform',
        PLATFORM_TOKEN_URL: 'http://127.0.0.1:9/authorizers/{authorizerAppId}/token',
        PLATFORM_TOKEN_SECRET: 'platform-service-secret-4c1d9e',
      });
      const error = await startSubgraph(config, captureLogs().logger).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('merchants[1] (merchantId "m_1"): with TOKEN_SOURCE=platform the platform owns the tokens');
      expect((error as Error).message).not.toContain(refreshEntries[1]!.authorizerRefreshToken);
      expect(simulator.callCount()).toBe(0);
    } finally {
      await file.remove();
      await simulator.stop();
    }
  });
});
