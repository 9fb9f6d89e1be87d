/**
 * Redis goes away mid-run and comes back: fields fail at once with TOKEN_STORE_UNAVAILABLE
 * instead of hanging, the replica stays ready (every replica shares Redis: taking them all
 * out would turn those fields' errors into connection errors for every field) and says why
 * in /readyz and cloudenv_degraded, and it reconnects by itself, serving the tokens Redis
 * kept across the restart without minting them again. Runs against a private
 * redis-server, never the machine's shared one; the same with `npm start`'s process:
 * test/boot/deploy-safety.slow.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUTHORIZER_TOKEN_PATH } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, appIdOf, testMerchants, tokenEndpointCalls, type TestMerchant } from '../support/merchants.js';
import { degradedReason, readinessWhen } from '../support/readiness.js';
import { uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const MERCHANTS = [0, 1].map((index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const { authorizers, entries } = testMerchants(MERCHANTS, 'refresh');

/**
 * A private Redis and an in-process subgraph on it, for one describe block; collects any
 * unhandled rejection while it runs.
 */
function outageWorld(env: Record<string, string> = {}) {
  let directory: string | undefined;
  let redis: PrivateRedisServer | undefined;
  let stack: SubgraphStack | undefined;
  const unhandled: unknown[] = [];
  const collect = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', collect);
    directory = await mkdtemp(join(tmpdir(), 'redis-outage-'));
    redis = new PrivateRedisServer(await freePort(), directory);
    await redis.start();
    stack = await startSubgraphStack({
      simulator: { authorizers, component: TEST_COMPONENT },
      merchants: entries,
      env: { REDIS_URL: redis.url, WECHAT_REDIS_PREFIX: uniquePrefix('outage'), DEPENDENCY_CHECK_INTERVAL_MS: '100', ...env },
    });
  }, 30_000);

  afterAll(async () => {
    process.off('unhandledRejection', collect);
    await stack?.stop();
    await redis?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  }, 30_000);

  return {
    unhandled,
    redis: () => redis!,
    simulator: () => stack!.simulator,
    query: (merchantId: string) => postGraphQL(stack!.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(merchantId) }),
    probe: async (path: '/readyz' | '/healthz') => (await fetch(new URL(path, stack!.subgraph.url))).status,
    storeReadiness: (degraded: boolean) => readinessWhen(stack!.subgraph.url, (answer) => (degradedReason(answer, 'store') !== undefined) === degraded),
    metrics: async () => (await fetch(new URL('/metrics', stack!.subgraph.url))).text(),
    mintsFor: (merchantId: string) => tokenEndpointCalls(stack!.simulator).byAuthorizer.get(appIdOf(entries, merchantId)) ?? 0,
  };
}

describeWithRedisServer('a Redis outage mid-run', () => {
  const { unhandled, redis, simulator, query, probe, storeReadiness, metrics, mintsFor } = outageWorld();

  // One outage, told in order: each step starts where the previous one left Redis.
  it('serves, and is ready, while Redis is up', async () => {
    expect((await query('m_0')).body.errors).toBeUndefined(); // m_0's token is now cached in Redis; m_1's never asked for
    expect(await probe('/readyz')).toBe(200);
    expect(mintsFor('m_0')).toBe(1);
  });

  it('fails the field at once with TOKEN_STORE_UNAVAILABLE once Redis stops, for cached and cold merchants alike', async () => {
    const callsBeforeOutage = simulator().callCount();
    expect(await redis().stop()).toBe(0);
    for (const merchantId of ['m_0', 'm_1']) {
      // At once: a store call left hanging would have run into the operation's deadline, which
      // answers WECHAT_UNAVAILABLE ("no answer in time"), not TOKEN_STORE_UNAVAILABLE.
      const { body } = await query(merchantId);
      expect(body.data).toEqual({ _entities: [{ id: merchantId, cloudEnvironments: null }] });
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.path).toEqual(['_entities', 0, 'cloudEnvironments']);
      expect(body.errors![0]!.extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId });
    }
    expect(simulator().callCount()).toBe(callsBeforeOutage); // nothing reached WeChat meanwhile
  });

  it('stays ready while Redis is down, saying why in /readyz and cloudenv_degraded{check="store"}', async () => {
    const ready = await storeReadiness(true);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', degraded: [{ check: 'store', reason: expect.stringMatching(/^The token store is unavailable: .*\(REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES\).*TOKEN_STORE_UNAVAILABLE/), since: expect.any(String) }] });
    expect(await metrics()).toMatch(/^cloudenv_degraded\{check="store"\} 1$/m);
    expect(await probe('/healthz')).toBe(200);
  });

  it('recovers by itself once Redis is back, serving the token cached before the outage without minting it again', async () => {
    await redis().start(); // the same port and append-only file
    const deadline = Date.now() + 10_000;
    let recovered = await query('m_0');
    while (recovered.body.errors !== undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recovered = await query('m_0');
    }
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'a0-env' })]);
    expect((await storeReadiness(false)).body).toEqual({ status: 'ready', degraded: [] });
    expect(await metrics()).toMatch(/^cloudenv_degraded\{check="store"\} 0$/m);
    expect(mintsFor('m_0')).toBe(1);
    expect((await query('m_1')).body.errors).toBeUndefined();
    expect(mintsFor('m_1')).toBe(1);
  }, 20_000);

  it('went through the outage without an unhandled rejection', async () => {
    expect(unhandled).toEqual([]);
    expect(await probe('/healthz')).toBe(200);
  });
});

describeWithRedisServer('a Redis outage in the middle of a refresh', () => {
  // A deadline well inside the refresh lock's 15 s life: a lock the interrupted refresh left
  // behind would keep the next refresh waiting past it.
  const { unhandled, redis, simulator, query, storeReadiness } = outageWorld({ REQUEST_DEADLINE_MS: '3000' });

  it('serves the merchant promptly once Redis is back', async () => {
    const appId = appIdOf(entries, 'm_1');
    simulator().injectEndpointFault(AUTHORIZER_TOKEN_PATH, { kind: 'delay', ms: 1_500 }, { times: 1 });
    const interrupted = query('m_1');
    while (!simulator().calls.some((call) => call.path === AUTHORIZER_TOKEN_PATH && call.body.includes(appId))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await redis().stop()).toBe(0); // while WeChat is minting, under the refresh lock
    expect((await interrupted).body.errors?.[0]?.extensions?.['code']).toBe('TOKEN_STORE_UNAVAILABLE');

    await redis().start();
    await storeReadiness(false);
    const { body } = await query('m_1');

    expect(body.errors).toBeUndefined(); // within REQUEST_DEADLINE_MS: the lock was released, not waited out
    expect(unhandled).toEqual([]);
  }, 30_000);
});
