/**
 * The short-lived getEnvInfo cache (CLOUDENV_CACHE_TTL_MS): later operations within the
 * TTL cost no WeChat call and get the same answer, errors are never kept, and with Redis
 * the replicas share it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { environment, testMerchants, tokenFor } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const { authorizers, entries } = testMerchants([
  { merchantId: 'm_0', authorizer: 'a0', environments: [environment('prod-a0'), environment('test-a0', { status: 'HALTED' })] },
]);
const ONE_ENV = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(env: "test-a0") { env status createTime } } } }`;

let stacks: SubgraphStack[] = [];
afterEach(async () => {
  await Promise.all(stacks.map((stack) => stack.stop()));
  stacks = [];
});

async function start(env: Record<string, string>) {
  const stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env });
  stacks.push(stack);
  return { stack, query: (document = ENTITIES_QUERY) => postGraphQL(stack.subgraph.url, document, { representations: merchantRepresentations('m_0'), r: merchantRepresentations('m_0') }) };
}

describe('the getEnvInfo cache', () => {
  it('answers later operations within the TTL without calling WeChat, identically', async () => {
    const { stack, query } = await start({ CLOUDENV_CACHE_TTL_MS: '60000' });
    const fresh = await query();
    const cached = await query();
    expect(cached.text).toBe(fresh.text);
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(1);
  });

  it('calls WeChat again once the TTL has passed', async () => {
    // No stale-while-revalidate window: past the TTL the next operation asks WeChat itself.
    const { stack, query } = await start({ CLOUDENV_CACHE_TTL_MS: '100', CLOUDENV_STALE_WHILE_REVALIDATE_MS: '0' });
    await query();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await query();
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(2);
  });

  it('answers a single env from a cached list of every environment', async () => {
    const { stack, query } = await start({ CLOUDENV_CACHE_TTL_MS: '5000' });
    await query();
    const { body } = await query(ONE_ENV);
    expect(body.data._entities).toEqual([{ cloudEnvironments: [{ env: 'test-a0', status: 'HALTED', createTime: '2019-04-04T14:10:28+08:00' }] }]);
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(1);
  });

  it('never keeps an error', async () => {
    const { stack, query } = await start({ CLOUDENV_CACHE_TTL_MS: '5000' });
    stack.simulator.injectFault(tokenFor('a0'), { kind: 'errcode', errcode: 61007 }, { times: 1 });
    expect((await query()).body.errors?.[0]?.extensions?.['code']).toBe('PERMISSION_SET_NOT_GRANTED');
    expect((await query()).body.errors).toBeUndefined();
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(2);
  });

  it('is off at 0: every operation asks WeChat', async () => {
    const { stack, query } = await start({ CLOUDENV_CACHE_TTL_MS: '0' });
    await query();
    await query();
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(2);
  });
});

describeWithRedis('the getEnvInfo cache in Redis', () => {
  it('is shared by replicas', async () => {
    const prefix = uniquePrefix('envinfo');
    try {
      const env = { CLOUDENV_CACHE_TTL_MS: '5000', REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix };
      const one = await start(env);
      const two = await start(env);
      const fresh = await one.query();
      // The second replica has its own simulator: a call there would show on its wire.
      const cached = await two.query();
      expect(cached.text).toBe(fresh.text);
      expect(two.stack.simulator.callCount(GET_ENV_INFO)).toBe(0);
    } finally {
      await deletePrefix(prefix);
    }
  });
});
