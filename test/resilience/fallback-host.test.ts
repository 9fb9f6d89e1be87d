/**
 * WeChat's disaster-recovery domain: while the primary host's circuit is open, calls go to
 * the fallback host (WECHAT_API_FALLBACK_BASE_URL), which has its own circuit; the primary
 * is probed and taken back once it answers again. Two simulators stand for the two hosts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WechatSimulator } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const GET_ENV_INFO = '/tcb/getenvinfo';
const { authorizers, entries } = testMerchants(Array.from({ length: 12 }, (_, index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` })));
const ids = entries.map((entry) => entry.merchantId);
const OUTAGE = { kind: 'reset' } as const;

let stack: SubgraphStack | undefined;
let fallback: WechatSimulator | undefined;
afterEach(async () => {
  await stack?.stop();
  await fallback?.stop();
  stack = fallback = undefined;
});

async function start(env: Record<string, string> = {}) {
  fallback = new WechatSimulator({ authorizers });
  const fallbackUrl = await fallback.start();
  stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env: { WECHAT_API_FALLBACK_BASE_URL: fallbackUrl, WECHAT_CIRCUIT_RESET_MS: '500', ...env } });
  const running = stack;
  return {
    primary: running.simulator,
    fallback,
    stack: running,
    query: () => postGraphQL(running.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) }),
    metrics: async () => (await fetch(new URL('/metrics', running.subgraph.url))).text(),
  };
}

/** Queries until an operation answers without errors, at most `operations` times (a count, not a time: the circuit counts calls); returns the last body. */
async function untilServed(query: () => Promise<{ body: { errors?: unknown[]; data?: any } }>, operations: number) {
  let { body } = await query();
  for (let sent = 1; body.errors !== undefined && sent < operations; sent += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    ({ body } = await query());
  }
  return body;
}

const hostOf = (url: string) => new URL(url).host;

describe('the disaster-recovery host', () => {
  it('is not called while the primary answers', async () => {
    const { fallback, query } = await start();
    expect((await query()).body.errors).toBeUndefined();
    expect(fallback.callCount()).toBe(0);
  });

  it('serves operations within a few operations of the primary going down, and hands back to the primary once it recovers', async () => {
    const { primary, fallback, stack, query, metrics } = await start();
    primary.startOutage(OUTAGE);
    // The outage opens the primary's circuit within an operation (12 authorizers failing); the next go to the fallback.
    const served = await untilServed(query, 5);
    expect(served.errors).toBeUndefined();
    expect(served.data._entities.every((entity: { cloudEnvironments: unknown[] }) => entity.cloudEnvironments.length === 1)).toBe(true);
    expect(fallback.callCount(GET_ENV_INFO)).toBeGreaterThanOrEqual(12);
    const shown = await metrics();
    expect(shown).toContain(`wechat_upstream_host_in_use{host="${hostOf(fallback.url)}"} 1`);
    expect(shown).toContain(`wechat_upstream_host_in_use{host="${hostOf(primary.url)}"} 0`);
    expect(shown).toContain(`wechat_circuit_state{host="${hostOf(primary.url)}"} 2`);
    expect(stack.logs.lines.some((line) => line.includes('disaster-recovery host'))).toBe(true);

    // While the primary stays down it is only probed: in each reset window (500 ms; one may
    // already be due) by at most WECHAT_CIRCUIT_MIN_AUTHORIZERS (3) authorizers, once each.
    const primaryCalls = primary.callCount(GET_ENV_INFO);
    const started = Date.now();
    for (let round = 0; round < 5; round += 1) expect((await query()).body.errors).toBeUndefined();
    const windows = Math.floor((Date.now() - started) / 500) + 1;
    expect(primary.callCount(GET_ENV_INFO) - primaryCalls).toBeLessThanOrEqual(3 * windows);

    primary.endOutage();
    await new Promise((resolve) => setTimeout(resolve, 600)); // the reset window: the next call probes the primary
    expect((await query()).body.errors).toBeUndefined();
    const fallbackCalls = fallback.callCount(GET_ENV_INFO);
    const primaryBefore = primary.callCount(GET_ENV_INFO);
    expect((await query()).body.errors).toBeUndefined();
    expect(fallback.callCount(GET_ENV_INFO)).toBe(fallbackCalls);
    expect(primary.callCount(GET_ENV_INFO) - primaryBefore).toBe(12);
    expect(await metrics()).toContain(`wechat_upstream_host_in_use{host="${hostOf(primary.url)}"} 1`);
    expect(stack.logs.lines.some((line) => line.includes('back on the primary host'))).toBe(true);
  });

  it('has a circuit of its own: with both hosts down, operations fail fast', async () => {
    // A reset longer than the test: after one, each circuit probes with up to 3 authorizers before it waits again.
    const { primary, fallback, query } = await start({ WECHAT_CIRCUIT_RESET_MS: '60000' });
    primary.startOutage(OUTAGE);
    fallback.startOutage(OUTAGE);
    await query();
    await query();
    const calls = primary.callCount() + fallback.callCount();
    const { body } = await query();
    expect(body.errors).toHaveLength(12);
    expect(body.errors![0]!.message).toMatch(/failing fast/);
    expect(primary.callCount() + fallback.callCount()).toBe(calls);
  });
});
