/**
 * What a soak run found, and the summary table `npm run soak` prints: operations, fields,
 * errors by code, latency, upstream and token-endpoint calls, RSS before and after, and
 * every failed check.
 */

/** With stale if error on, at least this share of the authorized merchants' fields must be data. */
export const MIN_AUTHORIZED_DATA_SHARE = 0.995;

/** RSS after the run may be at most RSS after warm-up × factor + slack. */
export const RSS_BOUND = { factor: 1.5, slackMiB: 50 } as const;

const MiB = 1024 * 1024;

export interface SoakReport {
  readonly settings: {
    readonly operations: number;
    readonly warmupOperations: number;
    readonly concurrency: number;
    readonly faultFraction: number;
    readonly merchants: number;
    readonly unauthorizedMerchants: number;
    readonly authorizers: number;
    readonly seed: number;
    readonly cacheTtlMs: number;
    /** Undefined: the shipped window. */
    readonly staleIfErrorMs: number | undefined;
  };
  /** Operations answered in the faulted phase (warm-up not included). */
  readonly operations: number;
  readonly durationMs: number;
  /** Merchant fields checked in the faulted phase: id, name and each cloudEnvironments selection. */
  readonly merchantFields: number;
  /** cloudEnvironments fields: fresh data, stale data (read before its operation was sent), errors; and of the authorized merchants' fields, how many were data. */
  readonly cloudEnvironments: { readonly data: number; readonly stale: number; readonly error: number; readonly authorized: { readonly fields: number; readonly withData: number } };
  /** Fields served a last good answer (the subgraph's cloudenv_stale_answers_total), by the code of the failure it stood in for. */
  readonly staleByReason: Readonly<Record<string, number>>;
  /** Errors in the faulted phase's responses, by extensions.code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly upstream: {
    /** getenvinfo calls in the faulted phase, and how many of them a random fault struck. */
    readonly getEnvInfoCalls: number;
    readonly faultsInjected: number;
    /** Token-endpoint calls over the whole run, against the single-flight minimum. */
    readonly componentTokenCalls: number;
    readonly authorizerTokenCalls: number;
    readonly expectedAuthorizerTokenCalls: number;
  };
  readonly rss: { readonly warmBytes: number; readonly afterBytes: number; readonly boundBytes: number };
  /** Every failed check and invalid response (capped); empty when the run passed. */
  readonly failures: string[];
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const percent = (part: number, whole: number, digits = 1) => (whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(digits)}%`);

export function rssBoundBytes(warmBytes: number): number {
  return warmBytes * RSS_BOUND.factor + RSS_BOUND.slackMiB * MiB;
}

export function formatSoakReport(report: SoakReport): string {
  const { settings, upstream, rss } = report;
  const codes = Object.entries(report.errorsByCode).sort(([, a], [, b]) => b - a);
  const codeWidth = Math.max(0, ...codes.map(([code]) => code.length));
  const rows: [string, string][] = [
    ['operations', `${report.operations} (+${settings.warmupOperations} warm-up) in ${(report.durationMs / 1000).toFixed(1)} s, ${Math.round((report.operations * 1000) / Math.max(1, report.durationMs))}/s`],
    ['merchant fields', `${report.merchantFields} checked`],
    ['cloudEnvironments', `${report.cloudEnvironments.data} data, ${report.cloudEnvironments.stale} stale data, ${report.cloudEnvironments.error} errors`],
    ['authorized merchants', `${percent(report.cloudEnvironments.authorized.withData, report.cloudEnvironments.authorized.fields, 2)} of ${report.cloudEnvironments.authorized.fields} fields data`],
    ['stale by reason', Object.entries(report.staleByReason).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none'],
    ...codes.map(([code, count], index): [string, string] => [index === 0 ? 'errors by code' : '', `${code.padEnd(codeWidth)} ${String(count).padStart(7)}`]),
    ...(codes.length === 0 ? [['errors by code', 'none'] as [string, string]] : []),
    ['latency', `p50 ${ms(report.latencyMs.p50)}, p99 ${ms(report.latencyMs.p99)}, max ${ms(report.latencyMs.max)}`],
    ['getenvinfo calls', `${upstream.getEnvInfoCalls}, ${upstream.faultsInjected} faulted (${percent(upstream.faultsInjected, upstream.getEnvInfoCalls)})`],
    ['token calls', `component ${upstream.componentTokenCalls} (minimum 1), authorizer ${upstream.authorizerTokenCalls} (minimum ${upstream.expectedAuthorizerTokenCalls})`],
    ['RSS before', `${mib(rss.warmBytes)} (after warm-up and gc)`],
    ['RSS after', `${mib(rss.afterBytes)} (bound ${mib(rss.boundBytes)} = before × ${RSS_BOUND.factor} + ${RSS_BOUND.slackMiB} MiB)`],
    ['result', report.failures.length === 0 ? 'PASS' : `FAIL (${report.failures.length} failures listed below)`],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const title =
    `Soak: ${settings.operations} operations at concurrency ${settings.concurrency}, ${percent(settings.faultFraction, 1)} of getenvinfo calls faulted ` +
    `(seed ${settings.seed}); ${settings.merchants} merchants over ${settings.authorizers} authorizers + ${settings.unauthorizedMerchants} unauthorized; ` +
    `answer cache ${settings.cacheTtlMs > 0 ? `${settings.cacheTtlMs} ms` : 'off'}, stale if error ${settings.staleIfErrorMs === undefined ? 'as shipped' : settings.staleIfErrorMs > 0 ? `${settings.staleIfErrorMs} ms` : 'off'}`;
  const rule = '-'.repeat(Math.min(100, title.length));
  const lines = [title, rule, ...rows.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value}`), rule];
  if (report.failures.length > 0) lines.push('Failures:', ...report.failures.map((failure) => `  - ${failure}`));
  return lines.join('\n');
}
