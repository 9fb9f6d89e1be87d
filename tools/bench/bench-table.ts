/**
 * The one table a benchmark run prints: plain text for the terminal, markdown for
 * benchmarks/latest.md. Each workload on each server, the ratio rows, then the targets.
 */
import { type BenchReport, ratiosOf } from './bench-report.js';
import { SERVER_LABELS, type ServerKey } from './bench-servers.js';
import { show, targetVerdicts } from './bench-targets.js';

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
