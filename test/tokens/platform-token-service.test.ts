/**
 * TOKEN_SOURCE=platform with the platform's token service (PLATFORM_TOKEN_URL, a node:http
 * server on loopback): the platform, a stand-in that mints at the simulated WeChat as a
 * real one would, hands out tokens; the subgraph only reads them. It never calls a token
 * endpoint, heals a token the platform rotated, backs off from one the platform still hands
 * out after WeChat rejected it, says clearly when the platform holds nothing or cannot be
 * reached, and refuses a token in AUTHORIZERS_FILE at start-up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_SOURCE_RULES } from '../../src/errors/error-codes.js';
import { TestTokenService, platformAppId, platformEntries, platformStartUpFailure, refreshEntries, startPlatformStack, stopPlatformStacks } from '../support/platform.js';

afterEach(() => stopPlatformStacks());

describe('TOKEN_SOURCE=platform, from the platform’s token service', () => {
  const service = new TestTokenService('platform-service-secret-4c1d9e');
  beforeAll(() => service.start());
  afterAll(() => service.stop());
  afterEach(() => {
    service.tokens.clear();
    service.requests.length = 0;
  });

  const start = (env: Record<string, string> = {}) =>
    startPlatformStack({ PLATFORM_TOKEN_URL: service.urlTemplate, PLATFORM_TOKEN_SECRET: service.secret, ...env });

  it('serves merchants with the tokens the service hands out, one read for concurrent operations and no token endpoint called', async () => {
    const { platform, query, subgraphMints } = await start();
    for (const merchantId of ['m_0', 'm_1']) service.tokens.set(platformAppId(merchantId), { token: await platform.mint(platformAppId(merchantId)), expiresInSeconds: 7200 });

    const bodies = await Promise.all(Array.from({ length: 20 }, (_, index) => query(`m_${index % 2}`)));

    expect(bodies.flatMap((body) => body.errors ?? [])).toEqual([]);
    expect(bodies[0].data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(service.requestsFor(platformAppId('m_0'))).toBe(1);
    expect(service.requestsFor(platformAppId('m_1'))).toBe(1);
    expect(service.requests.every((request) => request.authorization === `Bearer ${service.secret}`)).toBe(true);
    expect(subgraphMints()).toBe(0);
  });

  it('reuses a token read for PLATFORM_TOKEN_REUSE_MS', async () => {
    const { platform, query } = await start({ PLATFORM_TOKEN_REUSE_MS: '60000' });
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined();
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(platformAppId('m_0'))).toBe(1);
  });

  it('reads the platform again once PLATFORM_TOKEN_REUSE_MS has passed', async () => {
    const { platform, query } = await start({ PLATFORM_TOKEN_REUSE_MS: '100' });
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined();
    await sleep(150);
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(platformAppId('m_0'))).toBe(2);
  });

  it('answers MERCHANT_NOT_AUTHORIZED, calling no WeChat endpoint, when the service answers 404', async () => {
    const { ask, getEnvInfoCalls, subgraphMints } = await start();
    const { body, errorLine } = await ask('m_2');
    expect(body.data._entities).toEqual([{ id: 'm_2', cloudEnvironments: null }]);
    expect(body.errors[0].extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_2' });
    expect(body.errors[0].message).toBe(TOKEN_SOURCE_RULES['platform-no-token'].message);
    expect(errorLine().failure).toContain(platformAppId('m_2'));
    expect(getEnvInfoCalls()).toBe(0);
    expect(subgraphMints()).toBe(0);
  });

  it('heals a token the platform rotated: the rejected copy is dropped and the platform read again once', async () => {
    const { platform, query, getEnvInfoCalls, subgraphMints } = await start();
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined(); // the first token is now cached in the subgraph
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 }); // WeChat now refuses the first

    const body = await query('m_0');

    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect(service.requestsFor(platformAppId('m_0'))).toBe(2);
    expect(getEnvInfoCalls()).toBe(3); // served, rejected, retried with the rotated token
    expect(subgraphMints()).toBe(0);
  });

  /** m_0's token is read and used, then WeChat rotates it before the platform has: the next operation meets the rejected copy. */
  async function rejectedByWechat(env: Record<string, string>) {
    const stack = await start(env);
    const { platform, query } = stack;
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    service.tokens.set(platformAppId('m_1'), { token: await platform.mint(platformAppId('m_1')), expiresInSeconds: 7200 });
    expect((await query('m_0')).errors).toBeUndefined();
    const rotated = await platform.mint(platformAppId('m_0')); // WeChat refuses the first; the service has not stored the new one yet
    const rejected = await query('m_0', 'm_1');
    return { ...stack, rotated, rejected };
  }

  it('gives AUTHORIZER_TOKEN_INVALID when the platform still hands the rejected token, and leaves that authorizer alone during the back-off', async () => {
    const { query, getEnvInfoCalls, subgraphMints, rotated, rejected } = await rejectedByWechat({ PLATFORM_TOKEN_BACKOFF_MS: '60000' });
    expect(rejected.data._entities[1].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a1-env' })]);
    expect(rejected.errors).toHaveLength(1);
    expect(rejected.errors[0].extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', retryable: false, merchantId: 'm_0', wechat: { errcode: 40001 } });
    expect(service.requestsFor(platformAppId('m_0'))).toBe(2);

    // During the back-off: neither the platform nor WeChat is asked, even though the platform has caught up.
    service.tokens.set(platformAppId('m_0'), { token: rotated, expiresInSeconds: 7200 });
    const calls = getEnvInfoCalls();
    const during = await query('m_0');
    expect(during.errors[0].extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', merchantId: 'm_0' });
    expect(service.requestsFor(platformAppId('m_0'))).toBe(2);
    expect(getEnvInfoCalls()).toBe(calls);
    expect(subgraphMints()).toBe(0);
  });

  it('asks the platform again once PLATFORM_TOKEN_BACKOFF_MS has passed, and serves the token it caught up with', async () => {
    const { query, subgraphMints, rotated, rejected } = await rejectedByWechat({ PLATFORM_TOKEN_BACKOFF_MS: '100' });
    expect(rejected.errors[0].extensions).toMatchObject({ code: 'AUTHORIZER_TOKEN_INVALID', merchantId: 'm_0' });
    service.tokens.set(platformAppId('m_0'), { token: rotated, expiresInSeconds: 7200 });
    await sleep(150);
    expect((await query('m_0')).errors).toBeUndefined();
    expect(service.requestsFor(platformAppId('m_0'))).toBe(3);
    expect(subgraphMints()).toBe(0);
  });

  it('answers AUTHORIZER_TOKEN_EXPIRED (retryable) for a token the platform says has expired, without calling WeChat', async () => {
    const { platform, query, getEnvInfoCalls } = await start();
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: -5 });
    const body = await query('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'AUTHORIZER_TOKEN_EXPIRED', retryable: true, merchantId: 'm_0' });
    expect(getEnvInfoCalls()).toBe(0);
  });

  it('fails fields with TOKEN_STORE_UNAVAILABLE while the service is unreachable, staying ready and saying why in /readyz, recovering when it is back', async () => {
    const { platform, query, probe, platformReadiness, getEnvInfoCalls } = await start();
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    expect((await platformReadiness(false)).status).toBe(200);
    await service.stop();
    try {
      const body = await query('m_0');
      expect(body.data._entities).toEqual([{ id: 'm_0', cloudEnvironments: null }]);
      expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_0' });
      expect(getEnvInfoCalls()).toBe(0);
      // Every replica shares the platform: it costs the fields that need it, never the replica's place behind the load balancer.
      const ready = await platformReadiness(true);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(ready.body.degraded).toEqual([{ check: 'platform', reason: expect.stringMatching(/^TOKEN_SOURCE=platform: .*token service .* could not be read \(ECONNREFUSED\)/), since: expect.any(String) }]);
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await service.start();
    }
    expect((await platformReadiness(false)).body).toEqual({ status: 'ready', degraded: [] });
    expect((await query('m_0')).errors).toBeUndefined();
  });

  it('says the platform refused PLATFORM_TOKEN_SECRET, on the field and in /readyz', async () => {
    const { platform, ask, platformReadiness } = await start({ PLATFORM_TOKEN_SECRET: 'not-the-platform-secret-77' });
    service.tokens.set(platformAppId('m_0'), { token: await platform.mint(platformAppId('m_0')), expiresInSeconds: 7200 });
    const { body, errorLine } = await ask('m_0');
    expect(body.errors[0].extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: false, merchantId: 'm_0' });
    expect(body.errors[0].message).toBe(TOKEN_SOURCE_RULES['platform-refused'].message);
    expect(errorLine()).toMatchObject({ level: 50, failure: expect.stringMatching(/refused PLATFORM_TOKEN_SECRET \(HTTP 401\)/) });
    const ready = await platformReadiness(true);
    expect(ready.status).toBe(200);
    expect(ready.body.degraded[0]?.reason).toMatch(/refused PLATFORM_TOKEN_SECRET/);
    expect(JSON.stringify([body, ready.body, errorLine()])).not.toContain('not-the-platform-secret-77');
  });

  it('keeps the tokens and the secret out of every response and log line', async () => {
    const { stack, platform, query } = await start();
    const tokens = [await platform.mint(platformAppId('m_0')), await platform.mint(platformAppId('m_1'))];
    service.tokens.set(platformAppId('m_0'), { token: tokens[0]!, expiresInSeconds: 7200 });
    service.tokens.set(platformAppId('m_1'), { token: tokens[1]!, expiresInSeconds: 7200 });
    const bodies = [await query('m_0', 'm_1', 'm_2')];
    await platform.mint(platformAppId('m_1')); // rejected, healed, rejected again: errors and warnings are logged
    bodies.push(await query('m_0', 'm_1'));
    expect(bodies[1].errors[0].extensions.code).toBe('AUTHORIZER_TOKEN_INVALID');
    const seen = JSON.stringify(bodies) + stack.logs.lines.join('\n');
    for (const secret of [...tokens, service.secret]) expect(seen).not.toContain(secret);
  });
});

describe('TOKEN_SOURCE=platform at start-up', () => {
  it('refuses an AUTHORIZERS_FILE entry that carries a token, naming the entry', async () => {
    const { error, wechatCalls } = await platformStartUpFailure([platformEntries[0]!, refreshEntries[1]!], {
      PLATFORM_TOKEN_URL: 'http://127.0.0.1:9/authorizers/{authorizerAppId}/token',
      PLATFORM_TOKEN_SECRET: 'platform-service-secret-4c1d9e',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('merchants[1] (merchantId "m_1"): with TOKEN_SOURCE=platform the platform owns the tokens');
    expect(error.message).not.toContain(refreshEntries[1]!.authorizerRefreshToken);
    expect(wechatCalls).toBe(0);
  });
});
