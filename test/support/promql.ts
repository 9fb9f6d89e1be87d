/**
 * What the alert rules and the dashboard ask Prometheus for, read with Prometheus's own
 * PromQL grammar (lezer-promql): the metric names an expression selects, and the series
 * names an exposition (GET /metrics) declares, a histogram's _bucket, _count and _sum included.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** The metric names `expr` selects; throws naming the position of anything the grammar cannot read. */
export function selectedMetricNames(expr: string): string[] {
  const names = new Set<string>();
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL does not parse at ${cursor.from}: …${expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20)}… in ${expr}`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') names.add(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return [...names];
}

const SUFFIXES: Readonly<Record<string, readonly string[]>> = { histogram: ['_bucket', '_count', '_sum'], summary: ['_count', '_sum'] };

/** Every series name the Prometheus text exposition declares (`# TYPE` lines) or has samples of. */
export function exposedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)/.exec(line);
    if (declared) {
      const [, family, type] = declared as unknown as [string, string, string];
      names.add(family);
      for (const suffix of SUFFIXES[type] ?? []) names.add(`${family}${suffix}`);
    } else if (/^[a-zA-Z_:]/.test(line)) {
      names.add(/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]);
    }
  }
  return names;
}

/**
 * Series Prometheus makes itself rather than scrapes: `up` (did the scrape answer) and
 * `ALERTS`; rules may read them, the subgraph cannot export them.
 */
export const PROMETHEUS_OWN_SERIES: ReadonlySet<string> = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);
