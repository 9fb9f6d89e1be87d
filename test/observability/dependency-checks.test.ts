/**
 * The background checks behind /readyz's body and cloudenv_degraded: one round per
 * interval whatever the probe rate, each check bounded by the interval, a check that
 * needs another skipped while that one is degraded, one log line per change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DependencyCheck, DependencyChecks } from '../../src/observability/dependency-checks.js';
import { Metrics } from '../../src/observability/metrics.js';
import { captureLogs } from '../support/log-capture.js';

const INTERVAL_MS = 1_000;

function world(checks: DependencyCheck[]) {
  const metrics = new Metrics();
  const logs = captureLogs('info');
  const monitor = new DependencyChecks(checks, { intervalMs: INTERVAL_MS, metrics, logger: logs.logger });
  const gauge = async () => Object.fromEntries((await metrics.degraded.get()).values.map((sample) => [sample.labels['check'], sample.value]));
  const logged = () => logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string; check: string });
  return { monitor, gauge, logged };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DependencyChecks', () => {
  it('reports what the first round finds, and the gauge for every check it runs', async () => {
    const { monitor, gauge } = world([
      { check: 'store', run: async () => undefined },
      { check: 'ticket', run: async () => 'no component_verify_ticket yet' },
    ]);
    await monitor.start();
    expect(monitor.degraded).toEqual([{ check: 'ticket', reason: 'no component_verify_ticket yet', since: new Date().toISOString() }]);
    expect(await gauge()).toEqual({ store: 0, ticket: 1 });
    monitor.stop();
  });

  it('runs one round per interval, and keeps when a degradation began', async () => {
    let pings = 0;
    let down = false;
    const { monitor, gauge } = world([{ check: 'store', run: async () => ((pings += 1), down ? 'Redis does not answer' : undefined) }]);
    await monitor.start();
    down = true;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    const since = monitor.degraded[0]?.since;
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    expect(pings).toBe(5);
    expect(monitor.degraded).toEqual([{ check: 'store', reason: 'Redis does not answer', since }]);
    expect(await gauge()).toEqual({ store: 1 });
    down = false;
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(monitor.degraded).toEqual([]);
    expect(await gauge()).toEqual({ store: 0 });
    monitor.stop();
    await vi.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(pings).toBe(6);
  });

  it('bounds a check that hangs by the interval, and takes a rejection for a reason', async () => {
    const { monitor } = world([
      { check: 'jwks', run: () => new Promise(() => undefined) },
      { check: 'platform', run: () => Promise.reject(new Error('the token service answered HTTP 502')) },
    ]);
    const started = monitor.start();
    await vi.advanceTimersByTimeAsync(INTERVAL_MS);
    await started;
    expect(monitor.degraded.map(({ check, reason }) => ({ check, reason }))).toEqual([
      { check: 'jwks', reason: `did not answer within ${INTERVAL_MS} ms (DEPENDENCY_CHECK_INTERVAL_MS)` },
      { check: 'platform', reason: 'the token service answered HTTP 502' },
    ]);
    monitor.stop();
  });

  it('skips a check while the one it needs is degraded, keeping its last state', async () => {
    let storeUp = true;
    let ticketReads = 0;
    const { monitor } = world([
      { check: 'store', run: async () => (storeUp ? undefined : 'Redis does not answer') },
      { check: 'ticket', needs: 'store', run: async () => ((ticketReads += 1), undefined) },
    ]);
    await monitor.start();
    storeUp = false;
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    expect(ticketReads).toBe(1);
    expect(monitor.degraded.map(({ check }) => check)).toEqual(['store']);
    monitor.stop();
  });

  it('logs a degradation once while its reason stays the same, and its end once', async () => {
    let reason: string | undefined = 'Redis does not answer';
    const { monitor, logged } = world([{ check: 'store', run: async () => reason }]);
    await monitor.start();
    await vi.advanceTimersByTimeAsync(3 * INTERVAL_MS);
    reason = undefined;
    await vi.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    monitor.stop();
    expect(logged().map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 40, msg: 'store degraded: Redis does not answer' },
      { level: 30, msg: 'store is fine again' },
    ]);
  });
});
