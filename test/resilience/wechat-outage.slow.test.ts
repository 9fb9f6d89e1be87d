/**
 * A 30 s WeChat-wide outage after warm-up (every call answers HTTP 503), with the cache as
 * shipped but CLOUDENV_STALE_WHILE_REVALIDATE_MS=5000, so that most of the outage is
 * served by stale if error, through held-back authorizers and an open circuit: every
 * warmed merchant's field stays data with a `fetchedAt` from before the outage, a merchant
 * never read gets WECHAT_UNAVAILABLE, and once WeChat is back every field is fresh again.
 * The fast variant, with short windows, is test/integration/stale-if-error.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { environment, testMerchants } from '../support/merchants.js';
import { OUTAGE, aged, counter, fetchedAtOf, logLinesAbout, outcomes, samples, wholeSecond } from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const WARMED = Array.from({ length: 12 }, (_, index) => `m_out_${index}`);
const NEVER_READ = 'm_out_new';
const { authorizers, entries } = testMerchants([...WARMED, NEVER_READ].map((merchantId) => ({ merchantId, authorizer: merchantId, environments: [environment(`${merchantId.replaceAll('_', '-')}-prod`)] })));

describe('a 30 s WeChat-wide outage', () => {
  let stack: SubgraphStack;
  const seen = { operations: 0, circuitOpen: false };
  let warm: Awaited<ReturnType<typeof aged>>;
  let outageStartedAt: number;
  let outageEndedAt: number;

  beforeAll(async () => {
    stack = await startSubgraphStack({
      simulator: { authorizers },
      merchants: entries,
      // Blank: the shipped TTL and stale-if-error window.
      env: { CLOUDENV_CACHE_TTL_MS: '', CLOUDENV_STALE_IF_ERROR_MS: '', CLOUDENV_STALE_WHILE_REVALIDATE_MS: '5000' },
    });
    warm = await aged(stack.subgraph.url, WARMED);
    outageStartedAt = Date.now();
    stack.simulator.startOutage(OUTAGE);
  }, 30_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps every warmed merchant’s field as its data from before the outage, and gives a merchant never read WECHAT_UNAVAILABLE', async () => {
    expect(warm.body.errors).toBeUndefined();
    while (Date.now() - outageStartedAt < 30_000) {
      const during = await aged(stack.subgraph.url, [...WARMED, NEVER_READ]);
      expect(outcomes(during)).toEqual({ ...Object.fromEntries(WARMED.map((id) => [id, 'data'])), [NEVER_READ]: 'WECHAT_UNAVAILABLE' });
      expect(during.merchants.slice(0, WARMED.length)).toEqual(warm.merchants);
      for (const merchant of during.merchants.slice(0, WARMED.length)) expect(fetchedAtOf(merchant).getTime()).toBeLessThanOrEqual(outageStartedAt);
      seen.operations += 1;
      seen.circuitOpen ||= Object.values(await samples(stack, 'wechat_circuit_state{')).includes(2);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(seen.operations).toBeGreaterThan(20);
  }, 60_000);

  it('served them through an open circuit, first while revalidating, then standing in for WECHAT_UNAVAILABLE', async () => {
    expect(seen.circuitOpen).toBe(true);
    expect(await counter(stack, 'cloudenv_stale_answers_total{reason="revalidating"}')).toBeGreaterThan(0);
    expect(await counter(stack, 'cloudenv_stale_answers_total{reason="WECHAT_UNAVAILABLE"}')).toBeGreaterThan(WARMED.length * 10);
    // One line per authorizer as it started being served stale, however many fields it served.
    expect(logLinesAbout(stack, 'serving its last good answer')).toHaveLength(WARMED.length);
  });

  it('serves fresh answers again once WeChat is back', async () => {
    stack.simulator.endOutage();
    outageEndedAt = Date.now();
    await vi.waitFor(
      async () => {
        const after = await aged(stack.subgraph.url, [...WARMED, NEVER_READ]);
        expect(after.body.errors).toBeUndefined();
        for (const merchant of after.merchants) expect(fetchedAtOf(merchant).getTime()).toBeGreaterThanOrEqual(wholeSecond(outageEndedAt).getTime());
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(logLinesAbout(stack, 'serving fresh answers again')).toHaveLength(WARMED.length);
  }, 40_000);
});
