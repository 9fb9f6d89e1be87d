/** A benchmark of several rounds reports each server's median round, and counts across all of them; targets are judged on those figures. */
import { describe, expect, it } from 'vitest';
import { type BenchReport, type WorkloadReport, ratiosOf } from '../../tools/bench/bench-report.js';
import { hotMerchantCallBound, targetVerdicts } from '../../tools/bench/bench-targets.js';
import { type Measurement, combineRounds } from '../../tools/bench/measure-workload.js';

const round = (figures: Partial<Measurement>): Measurement => ({
  connections: 32,
  opsPerSec: 100,
  p50Ms: 10,
  p99Ms: 20,
  cpuMsPerOp: 1,
  callsPerOpAlone: Number.NaN,
  callsPerOpLoad: 1,
  totalCalls: 0,
  totalElapsedMs: 0,
  operationsSent: 0,
  failedOperations: 0,
  rssStartBytes: 0,
  rssEndBytes: 0,
  serverLogLines: 0,
  lastServerLogLine: undefined,
  rounds: 1,
  ...figures,
});

describe('combineRounds', () => {
  const combined = combineRounds([
    round({ opsPerSec: 90, p99Ms: 40, cpuMsPerOp: 1.2, callsPerOpAlone: 25, callsPerOpLoad: 25, operationsSent: 100, totalCalls: 2525, totalElapsedMs: 12_000, rssStartBytes: 1, rssEndBytes: 2 }),
    round({ opsPerSec: 60, p99Ms: 90, cpuMsPerOp: 2.0, callsPerOpLoad: 0, operationsSent: 300, totalCalls: 0, totalElapsedMs: 11_000, failedOperations: 1, serverLogLines: 2, lastServerLogLine: 'slow' }),
    round({ opsPerSec: 95, p99Ms: 35, cpuMsPerOp: 1.1, callsPerOpLoad: 10, operationsSent: 100, totalCalls: 1000, totalElapsedMs: 11_500, rssStartBytes: 3, rssEndBytes: 4 }),
  ]);

  it('takes rates and latencies from the median round, so one slow round does not move them', () => {
    expect([combined.opsPerSec, combined.p99Ms, combined.cpuMsPerOp]).toEqual([90, 40, 1.2]);
  });

  it('sums the counts, weighs calls per operation by operations sent, and keeps the first round’s probe', () => {
    expect(combined.operationsSent).toBe(500);
    expect(combined.callsPerOpLoad).toBeCloseTo((25 * 100 + 10 * 100) / 500, 10);
    expect([combined.totalCalls, combined.totalElapsedMs, combined.failedOperations, combined.serverLogLines]).toEqual([3525, 34_500, 1, 2]);
    expect([combined.callsPerOpAlone, combined.rssStartBytes, combined.rssEndBytes, combined.lastServerLogLine, combined.rounds]).toEqual([25, 1, 4, 'slow', 3]);
  });

  it('lets the hot merchant fill its cache once more per round', () => {
    expect(hotMerchantCallBound(combined, 3000)).toBe(Math.ceil(34_500 / 3000) + 3);
  });
});

describe('the W3 p99 targets', () => {
  const report = (ours: number, floor: number, upstream: number) =>
    ({
      settings: { latencyMs: 20, cacheTtlMs: 3000 },
      upstream: { connections: 32, p50Ms: 21, p99Ms: upstream },
      workloads: [{ key: 'W3', results: { 'subgraph-nocache': round({ p99Ms: ours }), floor: round({ p99Ms: floor }) } }],
    }) as unknown as BenchReport;
  const verdict = (r: BenchReport, starts: string, server: string) => targetVerdicts(r).find((v) => v.target.startsWith(starts) && v.target.includes(server))!;

  it('judges what our layers add over the floor at p99, beside the line the floor itself may miss', () => {
    const tight = report(50, 45, 30);
    expect(verdict(tight, "W3: p99 ≤ baseline (b)'s p99", 'cache off').met).toBe(true);
    expect(verdict(tight, 'W3: p99 ≤ upstream p99', '(b) framework floor').met).toBe(false);
    expect(verdict(report(51, 45, 30), "W3: p99 ≤ baseline (b)'s p99", 'cache off').met).toBe(false);
  });
});

describe('the ratio rows', () => {
  it('divide the cache-off subgraph by (b) and, when it ran, by (b′), figure by figure', () => {
    const workload: WorkloadReport = {
      key: 'W1',
      title: 'W1 fan-out',
      description: '',
      results: { 'subgraph-nocache': round({ opsPerSec: 90, cpuMsPerOp: 3 }), floor: round({ opsPerSec: 100, cpuMsPerOp: 2.5 }), 'floor-lean': round({ opsPerSec: 120, cpuMsPerOp: 2 }) },
    };
    const rows = ratiosOf(workload).map(({ label, opsPerSec, cpuMsPerOp }) => [label, opsPerSec, cpuMsPerOp]);
    expect(rows).toEqual([
      ['cache off ÷ (b)', 0.9, 1.2],
      ['cache off ÷ (b′)', 0.75, 1.5],
    ]);
    expect(ratiosOf({ ...workload, results: { 'subgraph-nocache': workload.results['subgraph-nocache'], floor: workload.results.floor } }).map((r) => r.label)).toEqual(['cache off ÷ (b)']);
  });
});

describe('the expiry-spike target', () => {
  const report = (p50Ms: number, p99Ms: number) =>
    ({
      settings: { latencyMs: 20, cacheTtlMs: 3000 },
      upstream: { connections: 32, p50Ms: 21, p99Ms: 25 },
      workloads: [{ key: 'W1', results: { subgraph: round({ p50Ms, p99Ms }), 'subgraph-no-swr': round({ p50Ms: 40, p99Ms: 300 }) } }],
    }) as unknown as BenchReport;
  const verdict = (r: BenchReport) => targetVerdicts(r).find((v) => v.target.startsWith('W1: p99 ≤ 2× p50'))!;

  it('holds W1 as shipped to a p99 within twice its p50, shown beside the cache without stale-while-revalidate', () => {
    expect(verdict(report(40, 80))).toMatchObject({ met: true, measured: 'p50 40 ms, p99 80 ms: 2.00× (without stale-while-revalidate p50 40 ms, p99 300 ms: 7.50×)' });
    expect(verdict(report(40, 81)).met).toBe(false);
  });
});
