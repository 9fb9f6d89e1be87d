/**
 * What a benchmark run found, as data (written to benchmarks/latest.json) and as the one
 * table it prints (plain text for the terminal, markdown for benchmarks/latest.md): each
 * workload on each server, this subgraph's ratios to the baselines, and the targets.
 */
import { SERVER_LABELS, type ServerKey } from './bench-servers.js';
import type { WorkloadKey } from './bench-workloads.js';
import { show, targetVerdicts } from './bench-targets.js';
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
  ['subgraph', 'unbatched'],
  ['subgraph', 'floor'],
  ['subgraph-nocache', 'floor'],
  ['subgraph-nocache', 'floor-lean'],
];

const SHORT: Readonly<Record<ServerKey, string>> = { subgraph: 'this subgraph', 'subgraph-nocache': 'cache off', unbatched: '(a)', floor: '(b)', 'floor-lean': '(b′)' };

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


const megabytes = (bytes: number) => (Number.isNaN(bytes) ? '–' : (bytes / 1_048_576).toFixed(0));
const times = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–');

const HEADER = ['workload', 'server', 'conns', 'ops/s', 'p50 ms', 'p99 ms', 'CPU ms/op', 'calls/op alone', 'calls/op load', 'failed', 'RSS MB start→end'];

/** Rows of the one table: per workload, a row per server, then the ratio rows. */
function tableRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const workload of report.workloads) {
    let first = true;
    for (const server of report.settings.servers) {
      const m = workload.results[server];
      if (!m) continue;
      rows.push([
        first ? workload.title : '',
        SERVER_LABELS[server],
        String(m.connections),
        m.opsPerSec >= 100 ? m.opsPerSec.toFixed(0) : m.opsPerSec.toFixed(1),
        show(m.p50Ms),
        show(m.p99Ms),
        m.cpuMsPerOp.toFixed(2),
        show(m.callsPerOpAlone),
        show(m.callsPerOpLoad, 3),
        String(m.failedOperations),
        `${megabytes(m.rssStartBytes)}→${megabytes(m.rssEndBytes)}`,
      ]);
      first = false;
    }
    for (const ratio of ratiosOf(workload)) {
      rows.push(['', ratio.label, '', times(ratio.opsPerSec), times(ratio.p50Ms), times(ratio.p99Ms), times(ratio.cpuMsPerOp), times(ratio.callsPerOpAlone), times(ratio.callsPerOpLoad), '', '']);
    }
  }
  return rows;
}

function settingsLine(report: BenchReport): string {
  const s = report.settings;
  return (
    `upstream latency ${s.latencyMs} ms, ${s.durationSec} s per workload after ${s.warmupSec} s warm-up` +
    `${s.rounds > 1 ? ` × ${s.rounds} rounds (servers alternating; median round)` : ''}, ` +
    `${s.connections} connections (W2: ${s.hotConnections}), cache TTL ${s.cacheTtlMs} ms, ${s.upstreamConnections} upstream connections; ` +
    `node ${report.machine.node}, ${report.machine.cpus} × ${report.machine.cpuModel}\n` +
    `the simulator alone, called directly at ${report.upstream.connections} connections: p50 ${report.upstream.p50Ms} ms, p99 ${report.upstream.p99Ms} ms`
  );
}

/** Servers that logged warnings or errors during a workload: the numbers next to them need a second look. */
function logNotes(report: BenchReport): string[] {
  return report.workloads.flatMap((workload) =>
    Object.entries(workload.results).flatMap(([server, m]) =>
      m.serverLogLines > 0 ? [`${workload.key} on ${SERVER_LABELS[server as ServerKey]}: ${m.serverLogLines} log lines, the last: ${m.lastServerLogLine}`] : [],
    ),
  );
}

/** `targets: false` leaves the verdicts out, for runs too short to judge speed (--check). */
export function formatText(report: BenchReport, options: { targets?: boolean } = {}): string {
  const rows = [HEADER, ...tableRows(report)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => [...(row[column] ?? '')].length)));
  const numeric = (column: number) => column >= 2;
  const line = (row: string[]) =>
    row.map((cell, column) => (numeric(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const targets = targetVerdicts(report).map((v) => `  ${v.met === undefined ? '?' : v.met ? '✓' : '✗'} ${v.target}: ${v.measured}`);
  const notes = logNotes(report);
  return [
    settingsLine(report),
    '',
    line(HEADER),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...tableRows(report).map(line),
    ...(options.targets === false ? [] : ['', 'Targets:', ...targets]),
    ...(notes.length > 0 ? ['', 'Server warnings during the run:', ...notes.map((note) => `  ${note}`)] : []),
  ].join('\n');
}

export function formatMarkdown(report: BenchReport): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const workloads = report.workloads.map((w) => `- **${w.title}**: ${w.description}`);
  const targets = targetVerdicts(report).map((v) => `- ${v.met === undefined ? '?' : v.met ? '✓' : '✗'} ${v.target}: ${v.measured}`);
  return [
    `# Benchmark ${report.generatedAt}`,
    '',
    settingsLine(report).replace('\n', '\n\n'),
    '',
    ...workloads,
    '',
    row(HEADER),
    row(HEADER.map((_, column) => (column >= 2 ? '---:' : '---'))),
    ...tableRows(report).map(row),
    '',
    '## Targets',
    '',
    ...targets,
    '',
    ...(logNotes(report).length > 0 ? ['## Server warnings during the run', '', ...logNotes(report).map((note) => `- ${note}`), ''] : []),
  ].join('\n');
}
