/**
 * wechat_authorizers_held_back counts the authorizers held back now: a back-off still
 * running, or its one probe out. One whose back-off ended with nobody asking for it since
 * drops out, so the count (and its alert) falls when a broken merchant's traffic stops;
 * its next call is still a single probe.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';
import { AuthorizerBackoff } from '../../src/wechat/authorizer-backoff.js';
import { WechatApiError } from '../../src/wechat/errors.js';

const BUSY = new WechatApiError('/tcb/getenvinfo', -1, 'system error');

async function heldBack(metrics: Metrics): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString('wechat_authorizers_held_back');
  return Number(/^wechat_authorizers_held_back (\d+)$/m.exec(text)?.[1]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('wechat_authorizers_held_back', () => {
  it('counts an authorizer while its back-off runs and while its probe is out, and not once it is left alone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const metrics = new Metrics();
    const backoff = new AuthorizerBackoff({ baseMs: 1_000, maxMs: 60_000, logger: pino({ level: 'silent' }), metrics });
    expect(await heldBack(metrics)).toBe(0);

    backoff.failed('wx0000000000000001', BUSY);
    expect(await heldBack(metrics)).toBe(1);
    expect(() => backoff.admit('wx0000000000000001')).toThrow(/held back/);

    // The back-off (at most its 1 s, jittered) ends with nobody asking: not held back from anything.
    vi.setSystemTime(Date.now() + 1_001);
    expect(await heldBack(metrics)).toBe(0);
    expect(backoff.heldBack).toBe(1); // the hold is kept: the next call is its probe

    expect(backoff.admit('wx0000000000000001')).toBe(true);
    expect(await heldBack(metrics)).toBe(1);
    backoff.failed('wx0000000000000001', BUSY);
    expect(await heldBack(metrics)).toBe(1);
    backoff.succeeded('wx0000000000000001');
    expect(await heldBack(metrics)).toBe(0);
    backoff.close();
  });
});
