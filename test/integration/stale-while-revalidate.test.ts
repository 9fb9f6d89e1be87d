/**
 * Stale while revalidate, over HTTP against the simulator: an answer past its TTL but within
 * CLOUDENV_STALE_WHILE_REVALIDATE_MS is served at once (its `fetchedAt` says how old it is,
 * Cache-Control says max-age=0), while one refresh runs in the background for however many
 * operations meet it; a failed refresh is logged and never reaches a caller. Date.now stands
 * still until a test moves it on, so answers age exactly when the test says (timers stay real).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { environment, testMerchants, tokenFor } from '../support/merchants.js';
import { STALE_MERCHANTS, aged, appIdOf, counter, fetchedAtOf, logLinesAbout, outcomes } from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

let stack: SubgraphStack | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await stack?.stop();
  stack = undefined;
});

async function start(merchants = STALE_MERCHANTS) {
  stack = await startSubgraphStack({
    simulator: { authorizers: merchants.authorizers },
    merchants: merchants.entries,
    env: { CLOUDENV_CACHE_TTL_MS: '2000', CLOUDENV_STALE_WHILE_REVALIDATE_MS: '60000', CLOUDENV_STALE_IF_ERROR_MS: '0' },
  });
  return stack;
}

const moveClockOn = (ms: number) => vi.setSystemTime(Date.now() + ms);

/** Answers read from WeChat: getEnvInfo attempts it answered with errcode 0. */
const READ_FROM_WECHAT = 'wechat_upstream_call_duration_seconds_count{endpoint="/tcb/getenvinfo",outcome="0"}';

describe('stale while revalidate', () => {
  it('serves an answer past its TTL at once, and refreshes it once in the background for every operation that met it', async () => {
    const { subgraph, simulator } = await start();
    const first = await aged(subgraph.url, ['m_a']);
    expect(first.cacheControl).toBe('max-age=2, private');
    const readAt = fetchedAtOf(first.merchants[0]);

    moveClockOn(2_500);
    // The refresh is slow: an operation that waited for it could not be answered before it lands.
    simulator.injectFault(tokenFor('a'), { kind: 'delay', ms: 500 }, { times: 1 });
    const stale = await Promise.all([aged(subgraph.url, ['m_a']), aged(subgraph.url, ['m_a']), aged(subgraph.url, ['m_a'])]);
    for (const answer of stale) {
      expect(answer.merchants).toEqual(first.merchants);
      expect(answer.cacheControl).toBe('max-age=0, private');
    }
    expect(await counter(stack!, 'cloudenv_stale_answers_total{reason="revalidating"}')).toBe(3);
    // One refresh for the three: the second and third joined the first's.
    expect(await counter(stack!, 'wechat_single_flight_joins_total{kind="envinfo"}')).toBe(2);

    // Once the refresh has landed, operations get it, fresh, with the instant it was read.
    await vi.waitFor(async () => expect(fetchedAtOf((await aged(subgraph.url, ['m_a'])).merchants[0])).toEqual(new Date(Date.now() - (Date.now() % 1000))), { timeout: 5_000, interval: 50 });
    expect(fetchedAtOf((await aged(subgraph.url, ['m_a'])).merchants[0]).getTime()).toBeGreaterThan(readAt.getTime());
    expect((await aged(subgraph.url, ['m_a'])).cacheControl).toBe('max-age=2, private');
    // Two answers read from WeChat in all: the first operation's and the one refresh (an attempt a busy machine retried would be a third call, not a third answer).
    expect(await counter(stack!, READ_FROM_WECHAT)).toBe(2);
    // Routine, not trouble: nothing is logged for it.
    expect(logLinesAbout(stack!, 'serving its last good answer')).toEqual([]);
  });

  it('never waits past the window: an answer older than TTL + CLOUDENV_STALE_WHILE_REVALIDATE_MS is asked for anew', async () => {
    const { subgraph } = await start();
    const first = await aged(subgraph.url, ['m_a']);
    moveClockOn(2_000 + 60_000 + 1_000);
    const later = await aged(subgraph.url, ['m_a']);
    expect(later.cacheControl).toBe('max-age=2, private');
    expect(fetchedAtOf(later.merchants[0]).getTime() - fetchedAtOf(first.merchants[0]).getTime()).toBe(63_000);
    expect(await counter(stack!, READ_FROM_WECHAT)).toBe(2);
  });

  it('lets answers read together go stale apart: none before four fifths of the TTL, some after', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => `m_together_${index}`);
    const { subgraph } = await start(testMerchants(ids.map((merchantId) => ({ merchantId, authorizer: merchantId, environments: [environment(`${merchantId.replaceAll('_', '-')}-prod`)] }))));
    await aged(subgraph.url, ids);
    moveClockOn(1_590);
    expect((await aged(subgraph.url, ids)).cacheControl).toBe('max-age=2, private');
    moveClockOn(210);
    await aged(subgraph.url, ids);
    const stale = await counter(stack!, 'cloudenv_stale_answers_total{reason="revalidating"}');
    expect(stale).toBeGreaterThan(0);
    expect(stale).toBeLessThan(ids.length);
  });

  it('logs a refresh that failed, once, and keeps serving the answer at once', async () => {
    const { subgraph, simulator } = await start();
    const first = await aged(subgraph.url, ['m_a', 'm_b']);
    moveClockOn(2_500);
    // Busy on the call and both retries: the refresh fails, and the authorizer is held back.
    simulator.injectFault(tokenFor('a'), { kind: 'errcode', errcode: -1 }, { times: 3 });
    expect(outcomes(await aged(subgraph.url, ['m_a', 'm_b']))).toEqual({ m_a: 'data', m_b: 'data' });
    await vi.waitFor(() => expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_a'))).toHaveLength(1), { timeout: 5_000, interval: 20 });

    for (let round = 0; round < 3; round += 1) {
      const again = await aged(subgraph.url, ['m_a']);
      expect(again.body.errors).toBeUndefined();
      expect(again.merchants).toEqual(first.merchants.slice(0, 1));
    }
    expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_a'))).toEqual([expect.objectContaining({ reason: 'WECHAT_BUSY', level: 40 })]);
    expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_b'))).toEqual([]);
  });
});
