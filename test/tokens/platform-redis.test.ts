/**
 * TOKEN_SOURCE=platform with the platform's Redis (PLATFORM_TOKEN_REDIS_KEY): keys laid out
 * as a platform keeps them, a raw token under a TTL or a JSON record, in the real Redis; and
 * a private redis-server stopped mid-run for the outage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_SOURCE_RULES } from '../../src/errors/error-codes.js';
import { TEST_COMPONENT } from '../support/merchants.js';
import { platformAppId, platformEntries, platformStartUpFailure, startPlatformStack, stopPlatformStacks } from '../support/platform.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';

afterEach(() => stopPlatformStacks());

describeWithRedis('TOKEN_SOURCE=platform, from the platform’s Redis', () => {
  const prefix = uniquePrefix('platform');
  const redis = new Redis(REDIS_TEST_URL);
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
  });

  /** Keys laid out as the platform keeps them: one per component and authorizer. */
  const keyTemplate = `${prefix}wxa:{componentAppId}:authorizer_access_token:{authorizerAppId}`;
  const keyOf = (merchantId: string) => `${prefix}wxa:${TEST_COMPONENT.appId}:authorizer_access_token:${platformAppId(merchantId)}`;
  const start = (env: Record<string, string> = {}) => startPlatformStack({ PLATFORM_REDIS_URL: REDIS_TEST_URL, PLATFORM_TOKEN_REDIS_KEY: keyTemplate, ...env });

  it('reads a raw token kept under a TTL, calling no token endpoint', async () => {
    const { platform, query, subgraphMints } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(platformAppId('m_0')), 'PX', 7_200_000);
    await redis.set(keyOf('m_1'), await platform.mint(platformAppId('m_1')), 'PX', 7_200_000);
    const body = await query('m_0', 'm_1');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((merchant: { cloudEnvironments: Array<{ env: string }> }) => merchant.cloudEnvironments[0]!.env)).toEqual(['a0-env', 'a1-env']);
    expect(subgraphMints()).toBe(0);
  });

  it('never reuses a token past the key’s TTL', async () => {
    const { platform, query, getEnvInfoCalls } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(platformAppId('m_0')), 'PX', 1_000);
    expect((await query('m_0')).errors).toBeUndefined();
    // Once Redis has let the key go: the copy the subgraph keeps must not outlive it.
    await expect.poll(() => redis.exists(keyOf('m_0')), { timeout: 10_000, interval: 20 }).toBe(0);
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(1);
  });

  it('reads a JSON record: the token from PLATFORM_TOKEN_FIELD, its life from PLATFORM_TOKEN_EXPIRES_AT_FIELD', async () => {
    const { platform, query, getEnvInfoCalls } = await start({ PLATFORM_TOKEN_FIELD: 'access_token', PLATFORM_TOKEN_EXPIRES_AT_FIELD: 'expire_time' });
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    await redis.set(keyOf('m_0'), JSON.stringify({ access_token: await platform.mint(platformAppId('m_0')), expire_time: inAnHour, authorizer_appid: platformAppId('m_0') }));
    await redis.set(keyOf('m_1'), JSON.stringify({ access_token: await platform.mint(platformAppId('m_1')), expire_time: Math.floor(Date.now() / 1000) - 60 }));
    const body = await query('m_0', 'm_1');
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({ code: 'AUTHORIZER_TOKEN_EXPIRED', retryable: true, merchantId: 'm_1' });
    expect(getEnvInfoCalls()).toBe(1);
  });

  it('reads the default layout: { "authorizer_access_token": … } with an ISO expires_at', async () => {
    const { platform, query } = await start();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await redis.set(keyOf('m_2'), JSON.stringify({ authorizer_access_token: await platform.mint(platformAppId('m_2')), expires_at: expiresAt }));
    expect((await query('m_2')).errors).toBeUndefined();
  });

  it('answers MERCHANT_NOT_AUTHORIZED with no WeChat call when the platform holds no key', async () => {
    const { ask, getEnvInfoCalls } = await start();
    await redis.del(keyOf('m_2'));
    const { body, errorLine } = await ask('m_2');
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_2' });
    // The key is the operator's to look up, not the client's.
    expect(body.errors[0].message).toBe(TOKEN_SOURCE_RULES['platform-no-token'].message);
    expect(errorLine().failure).toContain(keyOf('m_2'));
    expect(getEnvInfoCalls()).toBe(0);
  });

  it('heals a token the platform rotated in Redis, and still answers from the record it rewrote', async () => {
    const { platform, query, getEnvInfoCalls, subgraphMints } = await start();
    await redis.set(keyOf('m_0'), await platform.mint(platformAppId('m_0')), 'PX', 7_200_000);
    expect((await query('m_0')).errors).toBeUndefined();
    await redis.set(keyOf('m_0'), await platform.mint(platformAppId('m_0')), 'PX', 7_200_000);
    expect((await query('m_0')).errors).toBeUndefined();
    expect(getEnvInfoCalls()).toBe(3);
    expect(subgraphMints()).toBe(0);
  });

  it('says a key that holds no string is the wrong layout, not an outage', async () => {
    const { ask } = await start();
    await redis.del(keyOf('m_1'));
    await redis.hset(keyOf('m_1'), 'authorizer_access_token', 'secret-token-in-a-hash-7a8b');
    const { body, errorLine } = await ask('m_1');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: false, merchantId: 'm_1' });
    expect(body.errors[0].message).toBe(TOKEN_SOURCE_RULES['platform-unreadable'].message);
    expect(errorLine()).toMatchObject({ level: 50, failure: expect.stringContaining('is not a string') });
    await redis.del(keyOf('m_1'));
  });

  it('names a record it cannot read without quoting it', async () => {
    const { ask } = await start();
    await redis.set(keyOf('m_0'), JSON.stringify({ token: 'secret-token-in-the-wrong-field-1f2e' }));
    const { body, errorLine } = await ask('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: false, merchantId: 'm_0' });
    expect(errorLine().failure).toContain('"authorizer_access_token" field; set PLATFORM_TOKEN_FIELD');
    expect(JSON.stringify([body, errorLine()])).not.toContain('secret-token-in-the-wrong-field');
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

  it('fails fields with TOKEN_STORE_UNAVAILABLE while staying ready and saying why in /readyz, then recovers by itself', async () => {
    const { platform, query, platformReadiness, getEnvInfoCalls } = await startPlatformStack({ PLATFORM_REDIS_URL: server!.url, PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}' });
    const platformRedis = new Redis(server!.url);
    try {
      await platformRedis.set(`token:${platformAppId('m_0')}`, await platform.mint(platformAppId('m_0')));
    } finally {
      platformRedis.disconnect();
    }
    expect((await platformReadiness(false)).status).toBe(200);
    expect(await server!.stop()).toBe(0);

    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(0);
    const ready = await platformReadiness(true);
    expect(ready.status).toBe(200);
    expect(ready.body.degraded[0]?.reason).toMatch(/^TOKEN_SOURCE=platform: /);

    await server!.start(); // the same port and append-only file
    const deadline = Date.now() + 10_000;
    let recovered = await query('m_0');
    while (recovered.errors !== undefined && Date.now() < deadline) {
      await sleep(100);
      recovered = await query('m_0');
    }
    expect(recovered.errors).toBeUndefined();
    expect((await platformReadiness(false)).body.degraded).toEqual([]);
  }, 30_000);
});

describe('TOKEN_SOURCE=platform with the platform’s Redis unreachable at start-up', () => {
  it('stops start-up naming PLATFORM_REDIS_URL, never its password', async () => {
    const { error } = await platformStartUpFailure(platformEntries, {
      PLATFORM_TOKEN_REDIS_KEY: 'token:{authorizerAppId}',
      PLATFORM_REDIS_URL: `redis://platform:hunter2-platform-redis@127.0.0.1:${await freePort()}`,
    });
    expect(error.message).toMatch(/^TOKEN_SOURCE=platform: the platform's Redis at redis:\/\/127\.0\.0\.1:\d+ \(PLATFORM_REDIS_URL, PLATFORM_REDIS_SENTINELS or PLATFORM_REDIS_CLUSTER_NODES, or else the store's\) cannot be reached/);
    expect(error.message).not.toContain('hunter2');
  });
});
