/**
 * The benchmark's CI variant: the simulator, this subgraph (from source), baseline (a) and
 * baseline (b) each in their own process, every workload driven by autocannon, and the
 * upstream calls per operation held to exact numbers. Speed is not asserted here: CI
 * machines vary; `npm run bench` reports it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { upstreamCallProblems } from '../../tools/bench/bench-check.js';
import type { BenchReport } from '../../tools/bench/bench-report.js';
import { CHECK_SETTINGS, runBench } from '../../tools/bench/bench.js';

describe('npm run bench -- --check', () => {
  let report: BenchReport;
  const measured = (workload: string, server: 'subgraph' | 'unbatched' | 'floor') => {
    const result = report.workloads.find((w) => w.key === workload)?.results[server];
    if (!result) throw new Error(`${workload} was not measured on ${server}`);
    return result;
  };

  beforeAll(async () => {
    report = await runBench({ ...CHECK_SETTINGS, subgraphEntry: 'source' });
  }, 180_000);

  it('finds the upstream calls exact, as --check exits on', () => {
    expect(upstreamCallProblems(report)).toEqual([]);
  });

  it('asks WeChat once per distinct authorizer token in the fan-out; the unbatched baseline once per field', () => {
    expect(measured('W1', 'subgraph').callsPerOpAlone).toBe(25);
    expect(measured('W1', 'unbatched').callsPerOpAlone).toBe(100);
    expect(measured('W1', 'floor').callsPerOpAlone).toBe(25);
    expect(measured('W1', 'unbatched').callsPerOpLoad).toBeCloseTo(100, 0);
  });

  it('asks WeChat once for a single field without batching', () => {
    expect(measured('W3', 'unbatched').callsPerOpAlone).toBe(1);
  });

  it('asks WeChat for a hot merchant at most once per cache TTL, however many clients ask', () => {
    const hot = measured('W2', 'subgraph');
    expect(hot.operationsSent).toBeGreaterThan(50);
    expect(hot.totalCalls).toBeLessThanOrEqual(Math.ceil(hot.totalElapsedMs / CHECK_SETTINGS.cacheTtlMs) + 1);
    expect(measured('W2', 'floor').callsPerOpLoad).toBeCloseTo(1, 1);
  });

  it('answers every operation of every workload with data and no error', () => {
    for (const workload of report.workloads) {
      for (const result of Object.values(workload.results)) expect(result.failedOperations).toBe(0);
    }
  });
});
