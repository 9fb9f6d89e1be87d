/**
 * What a benchmark run found, as data (written to benchmarks/latest.json): each workload
 * on each server, and this subgraph's ratios to the baselines. bench-table.ts prints it;
 * bench-targets.ts judges it.
 */
import type { ServerKey } from './bench-servers.js';
import type { WorkloadKey } from './bench-workloads.js';
import type { Measurement, UpstreamLatency } from './measure-workload.js';

export interface BenchSettings {
  readonly latencyMs: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  /** Timed runs per workload and server, servers alternating round by round; figures are the median round's. */
  readonly rounds: number;
  readonly connections: number;
  readonly hotConnections: number;
  readonly cacheTtlMs: number;
  readonly groups: number;
  readonly upstreamConnections: number;
  readonly servers: readonly ServerKey[];
  readonly workloads: readonly WorkloadKey[];
}

export interface WorkloadReport {
  readonly key: WorkloadKey;
  readonly title: string;
  readonly description: string;
  readonly results: Partial<Record<ServerKey, Measurement>>;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly machine: { readonly node: string; readonly platform: string; readonly cpus: number; readonly cpuModel: string };
  readonly settings: BenchSettings;
  /** The simulator answering getenvinfo alone, at the W1/W3 connection count. */
  readonly upstream: UpstreamLatency;
  readonly workloads: readonly WorkloadReport[];
}

/** One server's figures divided by another's, figure by figure. */
export type Ratio = { readonly label: string } & Pick<Measurement, 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'cpuMsPerOp' | 'callsPerOpAlone' | 'callsPerOpLoad'>;

const RATIO_PAIRS: readonly (readonly [ServerKey, ServerKey])[] = [
  ['subgraph', 'subgraph-no-swr'],
  ['subgraph', 'unbatched'],
  ['subgraph', 'floor'],
  ['subgraph-nocache', 'floor'],
  ['subgraph-nocache', 'floor-lean'],
];

const SHORT: Readonly<Record<ServerKey, string>> = { subgraph: 'this subgraph', 'subgraph-no-swr': 'no stale-while-revalidate', 'subgraph-nocache': 'cache off', unbatched: '(a)', floor: '(b)', 'floor-lean': '(b′)' };

export function ratiosOf(workload: WorkloadReport): Ratio[] {
  return RATIO_PAIRS.flatMap(([over, under]) => {
    const a = workload.results[over];
    const b = workload.results[under];
    if (!a || !b) return [];
    return [
      {
        label: `${SHORT[over]} ÷ ${SHORT[under]}`,
        opsPerSec: a.opsPerSec / b.opsPerSec,
        p50Ms: a.p50Ms / b.p50Ms,
        p99Ms: a.p99Ms / b.p99Ms,
        cpuMsPerOp: a.cpuMsPerOp / b.cpuMsPerOp,
        callsPerOpAlone: a.callsPerOpAlone / b.callsPerOpAlone,
        callsPerOpLoad: a.callsPerOpLoad / b.callsPerOpLoad,
      },
    ];
  });
}
