/**
 * Batching on the wire: one getEnvInfo call per authorizer token per operation,
 * however many merchants, aliases and env arguments the operation carries.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { environment, testMerchants, tokenFor } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
// 50 merchants over 25 authorizers, two merchants each.
const MERCHANTS = Array.from({ length: 50 }, (_, index) => ({
  merchantId: `m_${index}`,
  authorizer: `a${Math.floor(index / 2)}`,
  environments: [environment(`prod-${Math.floor(index / 2)}`), environment(`test-${Math.floor(index / 2)}`, { status: 'HALTED' })],
}));
const { authorizers, entries } = testMerchants(MERCHANTS);

let stack: SubgraphStack;
beforeAll(async () => {
  stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.simulator.resetCalls();
});

const wireCalls = () => stack.simulator.calls.filter((call) => call.path === GET_ENV_INFO);

const FAN_OUT = `query FanOut($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Merchant {
      id
      all: cloudEnvironments { env status }
      prod: cloudEnvironments(env: "prod-0") { env }
      test: cloudEnvironments(env: "test-0") { env }
      missing: cloudEnvironments(env: "nope") { env }
      again: cloudEnvironments { alias }
    }
  }
}`;

describe('batching per authorizer token', () => {
  it('makes one call per distinct token for 50 merchants with five shapes of the field each', async () => {
    const ids = MERCHANTS.map((merchant) => merchant.merchantId);
    const { body } = await postGraphQL(stack.subgraph.url, FAN_OUT, { representations: merchantRepresentations(...ids) });
    expect(body.errors).toBeUndefined();
    const calls = wireCalls();
    expect(calls).toHaveLength(25);
    expect(new Set(calls.map((call) => call.accessToken)).size).toBe(25);
    // A batch that asks for more than one thing asks WeChat for everything once.
    expect(calls.every((call) => call.body === '{}')).toBe(true);

    const first = body.data._entities[0];
    expect(first.all).toEqual([{ env: 'prod-0', status: 'NORMAL' }, { env: 'test-0', status: 'HALTED' }]);
    expect(first.prod).toEqual([{ env: 'prod-0' }]);
    expect(first.test).toEqual([{ env: 'test-0' }]);
    expect(first.missing).toEqual([]);
    expect(body.data._entities[2].prod).toEqual([]);
    expect(body.data._entities.map((entity: { id: string }) => entity.id)).toEqual(ids);
  });

  it('sends the env upstream when it is the only thing a token’s batch asks for', async () => {
    const { body } = await postGraphQL(
      stack.subgraph.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(env: "test-0") { env status } } } }`,
      { r: merchantRepresentations('m_0', 'm_1') },
    );
    expect(body.data._entities).toEqual([{ cloudEnvironments: [{ env: 'test-0', status: 'HALTED' }] }, { cloudEnvironments: [{ env: 'test-0', status: 'HALTED' }] }]);
    expect(wireCalls().map((call) => call.body)).toEqual(['{"env":"test-0"}']);
  });

  it('sends {} when every environment is asked for', async () => {
    await postGraphQL(stack.subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments { env } } } }`, {
      r: merchantRepresentations('m_4'),
    });
    expect(wireCalls().map((call) => call.body)).toEqual(['{}']);
  });

  it('shares one call among concurrent operations for the same authorizer (single-flight)', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments { env } } } }`;
    // A slow WeChat keeps the first call in flight while the other operations arrive.
    stack.simulator.injectFault(tokenFor('a3'), { kind: 'delay', ms: 300 }, { times: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => postGraphQL(stack.subgraph.url, query, { r: merchantRepresentations('m_6', 'm_7') })));
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(wireCalls()).toHaveLength(1);
  });

  it('asks again for a later operation when the cache is off', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments { env } } } }`;
    for (let round = 0; round < 3; round += 1) await postGraphQL(stack.subgraph.url, query, { r: merchantRepresentations('m_6') });
    expect(wireCalls()).toHaveLength(3);
  });
});
