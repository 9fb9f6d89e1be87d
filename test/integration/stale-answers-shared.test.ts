/**
 * The last good answers in the shared store (the real Redis): a replica restarted while
 * WeChat is down serves the answers another replica read, with their `fetchedAt`; an
 * answer about authorization on one replica deletes the shared copy, so a replica that
 * starts later never serves it. Each replica has its own simulator: what it serves without
 * calling its own WeChat can only have come from the store.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, expect, it } from 'vitest';
import { tokenFor } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { OUTAGE, STALE_MERCHANTS, aged, appIdOf, outcomes } from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const prefix = uniquePrefix('stale');
let replicas: SubgraphStack[] = [];

afterEach(async () => {
  await Promise.all(replicas.map((replica) => replica.stop()));
  replicas = [];
});
afterAll(async () => {
  await deletePrefix(prefix);
});

/** A replica on the shared store, its WeChat down from the start when `down`. */
async function replica(options: { down?: boolean } = {}) {
  const stack = await startSubgraphStack({
    simulator: { authorizers: STALE_MERCHANTS.authorizers },
    merchants: STALE_MERCHANTS.entries,
    env: { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix, CLOUDENV_CACHE_TTL_MS: '0', CLOUDENV_STALE_IF_ERROR_MS: '60000' },
  });
  if (options.down) stack.simulator.startOutage(OUTAGE);
  replicas.push(stack);
  return stack;
}

describeWithRedis('the last good answers in the shared store', () => {
  it('are served by a replica restarted during an outage, as the other replica read them', async () => {
    const first = await replica();
    const warm = await aged(first.subgraph.url, ['m_a', 'm_b']);
    expect(outcomes(warm)).toEqual({ m_a: 'data', m_b: 'data' });
    await first.stop();
    replicas = [];

    const restarted = await replica({ down: true });
    const during = await aged(restarted.subgraph.url, ['m_a', 'm_b', 'm_c']);
    expect(outcomes(during)).toEqual({ m_a: 'data', m_b: 'data', m_c: 'WECHAT_UNAVAILABLE' });
    // The same environments, read at the same instant: the other replica's answer.
    expect(during.merchants.slice(0, 2)).toEqual(warm.merchants);
    expect(during.cacheControl).toBe('no-store');
  });

  it('lose an authorizer’s copy as soon as one replica meets 61003, so a replica starting later has none to serve', async () => {
    const first = await replica();
    await aged(first.subgraph.url, ['m_a', 'm_b']);
    first.simulator.injectFault(tokenFor('a'), { kind: 'errcode', errcode: 61003 }, { times: 1 });
    expect(outcomes(await aged(first.subgraph.url, ['m_a', 'm_b']))).toEqual({ m_a: 'MERCHANT_NOT_AUTHORIZED', m_b: 'data' });

    const redis = new Redis(REDIS_TEST_URL);
    try {
      expect(await redis.exists(`${prefix}envinfo:${appIdOf('m_a')}`, `${prefix}envinfo:${appIdOf('m_b')}`)).toBe(1);
    } finally {
      redis.disconnect();
    }
    const later = await replica({ down: true });
    expect(outcomes(await aged(later.subgraph.url, ['m_a', 'm_b']))).toEqual({ m_a: 'WECHAT_UNAVAILABLE', m_b: 'data' });
  });
});
