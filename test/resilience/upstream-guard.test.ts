/**
 * A struggling WeChat must not take the subgraph down with it: operations answer by
 * their deadline, a WeChat-wide outage opens the circuit (fail fast, with a retry hint)
 * and a probe closes it again, calls beyond the pool wait in a bounded queue, and one
 * hanging authorizer holds no more than its share of the pool.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH } from '../../src/simulator/index.js';
import { TEST_COMPONENT, environment, testMerchants, tokenFor } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const { authorizers, entries } = testMerchants(Array.from({ length: 12 }, (_, index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` })));
const ids = entries.map((entry) => entry.merchantId);

let stack: SubgraphStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function start(env: Record<string, string>) {
  stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env });
  const running = stack;
  return { stack: running, query: (...merchantIds: string[]) => postGraphQL(running.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) }) };
}

const codesOf = (errors: Array<{ extensions?: Record<string, any> }> | undefined) => (errors ?? []).map((error) => error.extensions?.['code']);

describe('the operation deadline', () => {
  it('fails a field still waiting on WeChat at REQUEST_DEADLINE_MS, keeping the fields that answered', async () => {
    const { stack, query } = await start({ REQUEST_DEADLINE_MS: '400', WECHAT_TIMEOUT_MS: '5000' });
    stack.simulator.injectFault(tokenFor('a0'), { kind: 'hang' });
    // The hang never answers and WECHAT_TIMEOUT_MS (5 s) is the longer wait: an answer that
    // says "no answer in time" with one call made came from the deadline.
    const { body } = await query('m_0', 'm_1');
    expect(stack.simulator.calls.filter((call) => call.accessToken === tokenFor('a0'))).toHaveLength(1);
    expect(body.data._entities[0]).toEqual({ id: 'm_0', cloudEnvironments: null });
    expect(body.data._entities[1].cloudEnvironments).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'WECHAT_UNAVAILABLE', retryable: true, merchantId: 'm_0' });
    expect(body.errors?.[0]?.message).toMatch(/did not answer within the time this request allows/);
  });
});

describe('the circuit breaker', () => {
  it('opens when every authorizer fails, fails fast without calling WeChat, and closes after a good probe', async () => {
    const { stack, query } = await start({ WECHAT_CIRCUIT_RESET_MS: '500' });
    for (const token of authorizers.map((authorizer) => authorizer.accessToken!)) {
      stack.simulator.injectFault(token, { kind: 'http', status: 503, body: '<html>503</html>' });
    }
    await query(...ids); // 12 authorizers × 3 attempts, all failing: the circuit opens

    stack.simulator.resetCalls();
    const { body } = await query('m_0', 'm_1');
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(0);
    expect(codesOf(body.errors)).toEqual(['WECHAT_UNAVAILABLE', 'WECHAT_UNAVAILABLE']);
    expect(body.errors!.map((error) => error.message)).toEqual([expect.stringMatching(/failing fast/), expect.stringMatching(/failing fast/)]);
    expect(body.errors![0]!.extensions).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
    expect(body.errors![0]!.extensions!['retryAfterMs']).toBeLessThanOrEqual(500);

    stack.simulator.clearFaults(); // WeChat recovers
    await new Promise((resolve) => setTimeout(resolve, 600));
    const recovered = await query('m_0');
    expect(recovered.body.errors).toBeUndefined();
    const after = await query(...ids);
    expect(after.body.errors).toBeUndefined();
  });

  it('opens on a WeChat-wide outage within a bounded number of calls, stops calling, and serves data again after recovery', async () => {
    // A long authorizer back-off: were the outage held against the authorizers that met it, they would stay held back after recovery.
    const { stack, query } = await start({ WECHAT_CIRCUIT_RESET_MS: '500', WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '30000', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '60000' });
    stack.simulator.startOutage({ kind: 'http', status: 502, body: '<html>502 Bad Gateway</html>' });
    const first = await query(...ids);
    expect(new Set(codesOf(first.body.errors))).toEqual(new Set(['WECHAT_UNAVAILABLE']));
    const callsToOpen = stack.simulator.callCount(GET_ENV_INFO);
    // WECHAT_CIRCUIT_MIN_FAILURES (10) logical calls, each with its two retries, and no more than the 12 that were in flight.
    expect(callsToOpen).toBeLessThanOrEqual(12 * 3);

    for (let round = 0; round < 3; round += 1) {
      const { body } = await query(...ids);
      expect(body.errors).toHaveLength(12);
      for (const error of body.errors!) {
        expect(error.extensions).toMatchObject({ code: 'WECHAT_UNAVAILABLE', retryable: true, retryAfterMs: expect.any(Number) });
        expect(error.message).toMatch(/failing fast/);
      }
    }
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(callsToOpen); // the upstream call count stops growing

    stack.simulator.endOutage();
    // The circuit probes once WECHAT_CIRCUIT_RESET_MS (500 ms) has passed: give it twenty of those.
    const recovered = Date.now();
    let body = (await query(...ids)).body;
    while (body.errors !== undefined && Date.now() - recovered < 20 * 500) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = (await query(...ids)).body;
    }
    expect(body.errors).toBeUndefined(); // every merchant, those that met the outage first included
    expect(body.data._entities.every((entity: { cloudEnvironments: unknown[] }) => entity.cloudEnvironments.length === 1)).toBe(true);
  });

  it('stays closed when a minority of authorizers keeps failing, however often they are asked', async () => {
    const { stack, query } = await start({ WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '10', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '10' });
    for (const authorizer of authorizers.slice(0, 4)) stack.simulator.injectFault(authorizer.accessToken!, { kind: 'errcode', errcode: -1 });
    for (let round = 0; round < 8; round += 1) {
      const { body } = await query(...ids);
      expect(codesOf(body.errors)).toEqual(['WECHAT_BUSY', 'WECHAT_BUSY', 'WECHAT_BUSY', 'WECHAT_BUSY']);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBeGreaterThan(8 * 4); // the failing four were asked again and again
    expect(stack.logs.lines.filter((line) => line.includes('WeChat circuit opened'))).toEqual([]);
  });

  it('stays closed when merchants fail for their own reasons (permission, quota)', async () => {
    const { stack, query } = await start({});
    for (const authorizer of authorizers) stack.simulator.injectFault(authorizer.accessToken!, { kind: 'errcode', errcode: 61007 });
    await query(...ids);
    await query(...ids);
    stack.simulator.clearFaults();
    const { body } = await query('m_0');
    expect(body.errors).toBeUndefined();
  });
});

describe('bounded concurrency', () => {
  it('fails the calls beyond the pool and its queue clearly, and serves the rest', async () => {
    const { stack, query } = await start({ WECHAT_MAX_CONCURRENCY: '2', WECHAT_MAX_QUEUE: '2' });
    for (const authorizer of authorizers) stack.simulator.injectFault(authorizer.accessToken!, { kind: 'delay', ms: 150 });
    const { body } = await query(...ids);
    const answered = body.data._entities.filter((entity: { cloudEnvironments: unknown }) => entity.cloudEnvironments !== null);
    expect(answered).toHaveLength(4); // 2 in flight + 2 queued
    expect(new Set(codesOf(body.errors))).toEqual(new Set(['WECHAT_UNAVAILABLE']));
    expect(body.errors).toHaveLength(8);
    expect(body.errors![0]!.message).toMatch(/Too many WeChat calls are waiting/);
    expect(stack.simulator.callCount(GET_ENV_INFO)).toBe(4);
  });
});

describe('the platform lane', () => {
  it('lets token calls through while getEnvInfo calls fill the pool and its queue', async () => {
    const minted = { appId: 'wx00000000000000ff', refreshToken: 'refresh-secret-lane-4b2c', environments: [environment('lane-env')] };
    registerSecrets(minted.refreshToken, TEST_COMPONENT.appSecret);
    stack = await startSubgraphStack({
      simulator: { authorizers: [...authorizers, minted], component: TEST_COMPONENT },
      merchants: [...entries, { merchantId: 'm_minted', authorizerAppId: minted.appId, authorizerRefreshToken: minted.refreshToken }],
      env: { WECHAT_MAX_CONCURRENCY: '2', WECHAT_MAX_QUEUE: '5', WECHAT_TIMEOUT_MS: '5000', REQUEST_DEADLINE_MS: '1500' },
    });
    const running = stack;
    for (const authorizer of authorizers) running.simulator.injectFault(authorizer.accessToken!, { kind: 'hang' });
    // Six hanging getEnvInfo calls: two hold the pool, four wait in its queue.
    const hanging = postGraphQL(running.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids.slice(0, 6)) });
    while (running.simulator.callCount(GET_ENV_INFO) < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    await postGraphQL(running.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_minted') });

    // Its getEnvInfo call waited behind the hanging ones (until their deadline freed the pool), but its tokens were minted meanwhile.
    const paths = running.simulator.calls.map((call) => call.path);
    expect(paths.filter((path) => path === COMPONENT_TOKEN_PATH)).toHaveLength(1);
    expect(paths.filter((path) => path === AUTHORIZER_TOKEN_PATH)).toHaveLength(1);
    expect(paths.slice(0, paths.indexOf(AUTHORIZER_TOKEN_PATH)).filter((path) => path === GET_ENV_INFO)).toHaveLength(2);
    await hanging;
  });
});

describe('the bulkhead', () => {
  it('lets a hanging authorizer hold at most its cap of the pool while the others are served', async () => {
    const { stack, query } = await start({ WECHAT_MAX_CONCURRENCY: '4', WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: '2', WECHAT_TIMEOUT_MS: '10000' });
    stack.simulator.injectFault(tokenFor('a0'), { kind: 'hang' });
    const finished: string[] = [];
    // Four operations that each need their own call for the hanging authorizer (distinct env arguments).
    const hanging = ['e1', 'e2', 'e3', 'e4'].map((env) =>
      postGraphQL(stack.subgraph.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Merchant { cloudEnvironments(env: "${env}") { env } } } }`, {
        r: merchantRepresentations('m_0'),
      }).then((response) => {
        finished.push(env);
        return response;
      }),
    );
    const hangingCalls = () => stack.simulator.calls.filter((call) => call.accessToken === tokenFor('a0')).length;
    while (hangingCalls() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const { body } = await query(...ids.slice(1, 9));
    finished.push('healthy');
    expect(body.errors).toBeUndefined();
    expect(hangingCalls()).toBe(2); // its other two calls wait in its own line, not in the pool
    expect(finished).toEqual(['healthy']);
    await stack.simulator.stop(); // only now do the hanging calls end
    await Promise.all(hanging);
  });
});
