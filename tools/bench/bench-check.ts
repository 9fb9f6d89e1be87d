/**
 * The CI variant's assertions (`npm run bench -- --check`): the upstream calls a workload
 * makes are exact, whatever the machine's speed, so CI can hold them to the number.
 */
import type { ServerKey } from './bench-servers.js';
import type { BenchReport } from './bench-report.js';
import { hotMerchantCallBound } from './bench-targets.js';
import type { WorkloadKey } from './bench-workloads.js';

/** Servers and workloads --check needs in the report. */
export const CHECKED_SERVERS: readonly ServerKey[] = ['subgraph', 'unbatched', 'floor'];

/** What a single operation must cost upstream, alone and cold. */
const EXACT_CALLS: readonly { workload: WorkloadKey; server: ServerKey; calls: number; why: string }[] = [
  { workload: 'W1', server: 'subgraph', calls: 25, why: 'one getenvinfo call per distinct authorizer token' },
  { workload: 'W1', server: 'unbatched', calls: 100, why: 'one call per field: 50 merchants × 2 fields' },
  { workload: 'W1', server: 'floor', calls: 25, why: 'one DataLoader per operation, keyed by authorizer' },
  { workload: 'W3', server: 'unbatched', calls: 1, why: 'one field, one call' },
];

/** Every mismatch, as a sentence; empty when the run meets them all. */
export function upstreamCallProblems(report: BenchReport): string[] {
  const problems: string[] = [];
  const result = (workload: WorkloadKey, server: ServerKey) => report.workloads.find((w) => w.key === workload)?.results[server];
  for (const expected of EXACT_CALLS) {
    const measured = result(expected.workload, expected.server);
    if (!measured) problems.push(`${expected.workload} was not measured on ${expected.server}; --check needs every workload on ${CHECKED_SERVERS.join(', ')}`);
    else if (measured.callsPerOpAlone !== expected.calls) {
      problems.push(`${expected.workload} on ${expected.server}: ${measured.callsPerOpAlone} upstream calls for one operation, expected ${expected.calls} (${expected.why})`);
    }
  }
  const hot = result('W2', 'subgraph');
  if (!hot) problems.push('W2 was not measured on subgraph');
  else {
    const bound = hotMerchantCallBound(hot, report.settings.cacheTtlMs);
    if (hot.totalCalls > bound) {
      problems.push(
        `W2 on subgraph: ${hot.totalCalls} upstream calls in ${hot.totalElapsedMs} ms for one merchant, expected at most ${bound} ` +
          `(one per cache TTL of ${report.settings.cacheTtlMs} ms, plus the first): the cache or single-flight is not holding`,
      );
    }
  }
  for (const workload of report.workloads) {
    for (const [server, measured] of Object.entries(workload.results)) {
      if (measured.failedOperations > 0) problems.push(`${workload.key} on ${server}: ${measured.failedOperations} operations failed (HTTP error, timeout or an answer with errors)`);
    }
  }
  return problems;
}
