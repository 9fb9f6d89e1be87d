/**
 * Stale if error, over HTTP against the simulator, with short configured windows (the 30 s
 * outage runs in the slow suite): while WeChat is down, every merchant read before keeps
 * its field as data with the older `fetchedAt`, a merchant never read gets the error, and
 * it is said (Cache-Control, the counter, one log line per authorizer). An answer about
 * authorization deletes the copy at once. The cache is off (every operation asks WeChat),
 * so only stale if error can be what serves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { tokenFor } from '../support/merchants.js';
import {
  AGED_ONE_ENV_QUERY,
  OUTAGE,
  STALE_MERCHANTS,
  aged,
  appIdOf,
  counter,
  fetchedAtOf,
  logLinesAbout,
  outcomes,
  wholeSecond,
} from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const QUOTA_SPENT = { kind: 'errcode', errcode: 45009 } as const;

// Quick back-offs and circuit resets, so that WeChat's return is seen within a few operations.
const QUICK_RECOVERY = { WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '20', WECHAT_AUTHORIZER_BACKOFF_MAX_MS: '40', WECHAT_CIRCUIT_RESET_MS: '100' };

let stack: SubgraphStack | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await stack?.stop();
  stack = undefined;
});

async function start(staleIfErrorMs: string) {
  stack = await startSubgraphStack({
    simulator: { authorizers: STALE_MERCHANTS.authorizers },
    merchants: STALE_MERCHANTS.entries,
    env: { CLOUDENV_CACHE_TTL_MS: '0', CLOUDENV_STALE_IF_ERROR_MS: staleIfErrorMs, ...QUICK_RECOVERY },
  });
  return stack;
}

describe('stale if error', () => {
  it('serves every merchant read before its last good answer through an outage, and a merchant never read its error', async () => {
    const { subgraph, simulator } = await start('60000');
    const warm = await aged(subgraph.url, ['m_a', 'm_b']);
    expect(outcomes(warm)).toEqual({ m_a: 'data', m_b: 'data' });
    const outageStartedAt = Date.now();
    simulator.startOutage(OUTAGE);

    for (let round = 0; round < 4; round += 1) {
      const during = await aged(subgraph.url, ['m_a', 'm_b', 'm_c']);
      expect(outcomes(during)).toEqual({ m_a: 'data', m_b: 'data', m_c: 'WECHAT_UNAVAILABLE' });
      expect(during.merchants.slice(0, 2)).toEqual(warm.merchants);
      expect(fetchedAtOf(during.merchants[0]).getTime()).toBeLessThanOrEqual(outageStartedAt);
      expect(during.cacheControl).toBe('no-store');
    }
    const onlyWarmed = await aged(subgraph.url, ['m_a', 'm_b']);
    expect(onlyWarmed.body.errors).toBeUndefined();
    expect(onlyWarmed.cacheControl).toBe('max-age=0, private');
    expect(await counter(stack!, 'cloudenv_stale_answers_total{reason="WECHAT_UNAVAILABLE"}')).toBe(10);
    // Counted once each, as stale: neither as data nor as errors.
    expect(await counter(stack!, 'cloudenv_fields_total{outcome="stale"}')).toBe(10);
    expect(await counter(stack!, 'cloudenv_fields_total{outcome="data"}')).toBe(2);
    expect(await counter(stack!, 'cloudenv_fields_total{outcome="error"}')).toBe(4);

    simulator.endOutage();
    const outageEndedAt = Date.now();
    // Fresh again once the answer says no-store (the cache is off) instead of max-age=0: read after the outage.
    await vi.waitFor(
      async () => {
        const after = await aged(subgraph.url, ['m_a', 'm_b']);
        expect([after.body.errors, after.cacheControl]).toEqual([undefined, 'no-store']);
        for (const merchant of after.merchants) expect(fetchedAtOf(merchant).getTime()).toBeGreaterThanOrEqual(wholeSecond(outageEndedAt).getTime());
      },
      { timeout: 5_000, interval: 50 },
    );
    // Said once per authorizer as it starts being served stale, and once as it stops: never per field.
    expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_a'))).toHaveLength(1);
    expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_b'))).toHaveLength(1);
    expect(logLinesAbout(stack!, 'stale answers stop', appIdOf('m_a'))).toEqual([expect.objectContaining({ reason: 'WECHAT_UNAVAILABLE', msg: expect.stringContaining('serving fresh answers again') })]);
    expect(logLinesAbout(stack!, 'serving its last good answer', appIdOf('m_c'))).toEqual([]);
  });

  it('answers an env-filtered field from the full list it keeps', async () => {
    const { subgraph, simulator } = await start('60000');
    await aged(subgraph.url, ['m_a']);
    simulator.injectFault(tokenFor('a'), QUOTA_SPENT);
    const { body } = await postGraphQL(subgraph.url, AGED_ONE_ENV_QUERY, { representations: merchantRepresentations('m_a'), env: 'test-a' });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([{ id: 'm_a', cloudEnvironments: [{ env: 'test-a', fetchedAt: expect.any(String) }] }]);
  });

  it('stops once the last good answer is older than CLOUDENV_STALE_IF_ERROR_MS, and says so', async () => {
    // Date.now stands still until the test moves it on: the answer ages exactly as much as it says.
    vi.useFakeTimers({ toFake: ['Date'] });
    const { subgraph, simulator } = await start('1000');
    await aged(subgraph.url, ['m_a']);
    simulator.injectFault(tokenFor('a'), QUOTA_SPENT);
    vi.setSystemTime(Date.now() + 1_000);
    expect(outcomes(await aged(subgraph.url, ['m_a']))).toEqual({ m_a: 'data' });
    vi.setSystemTime(Date.now() + 1);
    expect(outcomes(await aged(subgraph.url, ['m_a']))).toEqual({ m_a: 'QUOTA_EXCEEDED' });
    expect(logLinesAbout(stack!, 'stale answers stop', appIdOf('m_a'))).toEqual([expect.objectContaining({ code: 'QUOTA_EXCEEDED', msg: expect.stringContaining('no last good answer may stand in') })]);
  });

  it('is off at 0: a failure is the field’s error, however recent the last answer', async () => {
    const { subgraph, simulator } = await start('0');
    await aged(subgraph.url, ['m_a']);
    simulator.injectFault(tokenFor('a'), QUOTA_SPENT);
    expect(outcomes(await aged(subgraph.url, ['m_a']))).toEqual({ m_a: 'QUOTA_EXCEEDED' });
  });

  it('gives a merchant whose authorizer answers 61003 its error at once, and never its old data afterwards', async () => {
    const { subgraph, simulator } = await start('60000');
    await aged(subgraph.url, ['m_a', 'm_b']);
    simulator.injectFault(tokenFor('a'), { kind: 'errcode', errcode: 61003 }, { times: 1 });
    const revoked = await aged(subgraph.url, ['m_a', 'm_b']);
    expect(outcomes(revoked)).toEqual({ m_a: 'MERCHANT_NOT_AUTHORIZED', m_b: 'data' });

    // Its copy is gone: a failure that would have served it is an error for it now, while m_b keeps being served.
    for (const token of [tokenFor('a'), tokenFor('b')]) simulator.injectFault(token, QUOTA_SPENT);
    for (let round = 0; round < 3; round += 1) expect(outcomes(await aged(subgraph.url, ['m_a', 'm_b']))).toEqual({ m_a: 'QUOTA_EXCEEDED', m_b: 'data' });
    expect(logLinesAbout(stack!, 'its last good answer was deleted', appIdOf('m_a'))).toEqual([expect.objectContaining({ because: 'WeChat answered MERCHANT_NOT_AUTHORIZED' })]);
  });

  it('never serves a last good answer for a permission WeChat says is missing', async () => {
    const { subgraph, simulator } = await start('60000');
    await aged(subgraph.url, ['m_a']);
    simulator.injectFault(tokenFor('a'), { kind: 'errcode', errcode: 61007 });
    for (let round = 0; round < 2; round += 1) expect(outcomes(await aged(subgraph.url, ['m_a']))).toEqual({ m_a: 'PERMISSION_SET_NOT_GRANTED' });
  });
});
