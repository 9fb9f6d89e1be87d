/**
 * When WeChat cannot be read (no answer in time, an HTML error page, a cut-off body, a
 * dropped connection), the merchant's field fails with WECHAT_UNAVAILABLE and every
 * other merchant keeps its data.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedFault } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants, tokenFor } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const { authorizers, entries } = testMerchants([
  { merchantId: 'm_faulty', authorizer: 'faulty' },
  { merchantId: 'm_ok', authorizer: 'ok' },
]);

// A fresh subgraph per test: its circuit breaker must not carry one test's failures into the next.
let stack: SubgraphStack;
beforeEach(async () => {
  stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env: { WECHAT_TIMEOUT_MS: '300' } });
});
afterEach(async () => {
  await stack?.stop();
});

const FAULTS: Array<[name: string, fault: SimulatedFault, httpStatus: number | undefined]> = [
  ['no answer within WECHAT_TIMEOUT_MS', { kind: 'hang' }, undefined],
  ['an HTTP 502 HTML page', { kind: 'http', status: 502, body: '<html><body>502 Bad Gateway</body></html>' }, 502],
  ['a truncated JSON body', { kind: 'truncated' }, 200],
  ['a reset connection', { kind: 'reset' }, undefined],
];

describe('transport failures', () => {
  it.each(FAULTS)('heal %s that clears on retry, unseen by the client', async (_name, fault) => {
    stack.simulator.injectFault(tokenFor('faulty'), fault, { times: 1 });
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_faulty') });
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities[0].cloudEnvironments).toHaveLength(1);
    expect(stack.simulator.callCount('/tcb/getenvinfo')).toBe(2);
  });

  it.each(FAULTS)('turn %s that persists into WECHAT_UNAVAILABLE for that merchant only', async (_name, fault, httpStatus) => {
    stack.simulator.injectFault(tokenFor('faulty'), fault);
    const { body, text } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_faulty', 'm_ok') });
    // Given up after the call and its two retries, each ended by the fault or by WECHAT_TIMEOUT_MS:
    // a hang never ends by itself, and the operation's deadline (10 s) would have left one call.
    expect(stack.simulator.calls.filter((call) => call.accessToken === tokenFor('faulty'))).toHaveLength(3);
    expect(body.data?._entities[0]).toEqual({ id: 'm_faulty', cloudEnvironments: null });
    expect(body.data?._entities[1].cloudEnvironments).toEqual([expect.objectContaining({ env: 'ok-env' })]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({
      code: 'WECHAT_UNAVAILABLE',
      retryable: true,
      merchantId: 'm_faulty',
      ...(httpStatus === undefined ? {} : { wechat: { httpStatus } }),
    });
    expect(text).not.toContain(tokenFor('faulty'));
  });

  it('turns a refused connection into WECHAT_UNAVAILABLE', async () => {
    await stack.simulator.stop();
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_ok') });
    expect(body.data?._entities[0]).toEqual({ id: 'm_ok', cloudEnvironments: null });
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'WECHAT_UNAVAILABLE', retryable: true });
    expect(body.errors![0]!.message).toBe('WeChat could not be reached; try again shortly.');
  });
});
