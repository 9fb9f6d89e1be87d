/**
 * What a client reads in a field error is the error table's text, whatever the failure
 * knew: store keys, the token service's URL, the command that registers a refresh token,
 * the variables an operator must set. That detail is in the log line of the request's
 * error, under its request id, where the operator looks. Each source of detail, over HTTP:
 * the token store down, the platform's token service refusing, holding nothing and gone, a
 * missing refresh token, a missing verify ticket, the JWKS down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_REFUSAL_RULES, TOKEN_SOURCE_RULES, TOKEN_STORE_UNAVAILABLE } from '../../src/errors/error-codes.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { IdentityProvider, TEST_AUDIENCE, TEST_ISSUER, signToken, signingKey } from '../support/identity-provider.js';
import { fieldErrorLine } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, testMerchants } from '../support/merchants.js';
import { TestTokenService, platformAppId, startPlatformStack, stopPlatformStacks } from '../support/platform.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

/** What only an operator can act on, anywhere in the answer: a URL, a host, a store key, a command. */
const OPERATOR_DETAIL = /https?:\/\/|redis:\/\/|127\.0\.0\.1|test:client-text|npm run/;
/** …and in the message, a variable's name (the codes in `extensions` look alike). */
const VARIABLE = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;

/**
 * Asks for `merchantId` and checks the split: the client reads `expected` (the table's
 * row) and nothing an operator would need, the log line of that request names `detail`.
 */
async function expectSplit(stack: SubgraphStack, merchantId: string, expected: { code: string; message: string }, detail: RegExp | string, headers: Record<string, string> = {}) {
  const response = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) }, headers);
  const [error] = response.body.errors ?? [];
  expect(error?.extensions).toMatchObject({ code: expected.code, merchantId });
  expect(error?.message).toBe(expected.message);
  expect(response.text).not.toMatch(OPERATOR_DETAIL);
  expect(error?.message).not.toMatch(VARIABLE);
  const line = fieldErrorLine(stack.logs, response.headers.get('x-request-id'), merchantId);
  expect(line).toMatchObject({ code: expected.code, msg: expected.message });
  if (typeof detail === 'string') expect(line['failure']).toContain(detail);
  else expect(line['failure']).toMatch(detail);
  return line;
}

describeWithRedisServer('own tokens, on a Redis of its own', () => {
  const MERCHANTS = [0, 1].map((index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
  const { authorizers, entries } = testMerchants(MERCHANTS, 'refresh');
  const prefix = uniquePrefix('client-text');
  let directory: string;
  let redis: PrivateRedisServer;
  let stack: SubgraphStack;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'client-text-'));
    redis = new PrivateRedisServer(await freePort(), directory);
    await redis.start();
    stack = await startSubgraphStack({
      simulator: { authorizers, component: TEST_COMPONENT },
      merchants: entries,
      // No verify ticket configured, and none pushed yet.
      env: { REDIS_URL: redis.url, WECHAT_REDIS_PREFIX: prefix, WECHAT_COMPONENT_VERIFY_TICKET: '' },
    });
  }, 30_000);
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
    await rm(directory, { recursive: true, force: true });
  }, 30_000);

  it('a missing verify ticket: WeChat pushes one every 10 minutes; the log says the variable for development', async () => {
    await expectSplit(stack, 'm_0', TOKEN_SOURCE_RULES['ticket-missing'], 'set WECHAT_COMPONENT_VERIFY_TICKET for development');
  });

  it('the token store down: try again shortly; the log says what Redis answered', async () => {
    await redis.stop();
    const line = await expectSplit(stack, 'm_0', TOKEN_STORE_UNAVAILABLE, /\S/);
    expect(line['failure']).not.toBe(TOKEN_STORE_UNAVAILABLE.message);
  });
});

describeWithRedis('own tokens, a refresh token gone that WeChat no longer lists', () => {
  // With a ticket, so the recovery pass runs and finds nothing to restore.
  const MERCHANTS = [0, 1].map((index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
  const { authorizers, entries } = testMerchants(MERCHANTS, 'refresh');
  const prefix = uniquePrefix('client-text-refresh');
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack({
      simulator: { authorizers: authorizers.map((authorizer, index) => (index === 1 ? { ...authorizer, listedWithoutRefreshToken: true } : authorizer)), component: TEST_COMPONENT },
      merchants: entries,
      env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await deletePrefix(prefix);
  });

  it('the merchant must authorize again; the log says the command that registers it', async () => {
    const client = new Redis(REDIS_TEST_URL);
    await client.del(new StoreKeys(prefix).refreshToken(appIdOf(entries, 'm_1')));
    client.disconnect();
    await expectSplit(stack, 'm_1', TOKEN_SOURCE_RULES['refresh-token-missing'], /authorizer wx[0-9a-f]{16}, and api_get_authorizer_list lists none for it; register it again \(npm run authorizers -- add/);
  });
});

describe('tokens from the platform’s token service', () => {
  const service = new TestTokenService('platform-service-secret-8e2a71');
  let stack: SubgraphStack;
  beforeAll(async () => {
    await service.start();
    ({ stack } = await startPlatformStack({ PLATFORM_TOKEN_URL: service.urlTemplate, PLATFORM_TOKEN_SECRET: service.secret }));
  });
  afterAll(async () => {
    await stopPlatformStacks();
    await service.stop();
  });

  it('holding no token (404): the merchant has not authorized the platform; the log names the service’s URL for that authorizer', async () => {
    const url = service.urlTemplate.replace('{authorizerAppId}', platformAppId('m_0'));
    await expectSplit(stack, 'm_0', TOKEN_SOURCE_RULES['platform-no-token'], url);
  });

  it('refusing our secret (401): an operator must fix the configuration; the log names PLATFORM_TOKEN_SECRET', async () => {
    const secret = service.secret;
    service.rotateSecret('platform-service-secret-rotated-5b07');
    try {
      const line = await expectSplit(stack, 'm_1', TOKEN_SOURCE_RULES['platform-refused'], /token service http:\/\/127\.0\.0\.1:\d+\/authorizers\/wx[0-9a-f]{16}\/token refused PLATFORM_TOKEN_SECRET \(HTTP 401\)/);
      expect(line['level']).toBe(50);
    } finally {
      service.rotateSecret(secret);
    }
  });

  it('unreachable: try again shortly; the log names the service and the connection error', async () => {
    await service.stop();
    await expectSplit(stack, 'm_2', TOKEN_STORE_UNAVAILABLE, /token service http:\/\/127\.0\.0\.1:\d+\/\S+ could not be read \(ECONNREFUSED\)/);
  });
});

describe('AUTHORIZATION=subgraph with the key set down', () => {
  let idp: IdentityProvider;
  let stack: SubgraphStack;
  let token: string;
  beforeAll(async () => {
    const key = await signingKey('RS256', 'rsa-client-text');
    idp = new IdentityProvider([key]);
    // Down before the subgraph starts: its readiness checks would otherwise fetch (and keep) the key set.
    const jwksUrl = await idp.start();
    await idp.stop();
    stack = await startSubgraphStack({ env: { AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE } });
    token = await signToken(key, { claims: { scope: 'merchant:cloud-environments:read' } });
  });
  afterAll(() => stack?.stop());

  it('the caller is refused, retryable; the log names the JWKS that did not answer', async () => {
    const line = await expectSplit(stack, 'm_1001', CALLER_REFUSAL_RULES['keys-unavailable'], `AUTH_JWKS_URL ${idp.jwksUrl} could not be fetched`, { authorization: `Bearer ${token}` });
    expect(line['failure']).not.toContain(token);
  });
});
