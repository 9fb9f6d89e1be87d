/**
 * The alert rules and the dashboard against a real Prometheus: the machine's `prometheus`
 * scrapes a running subgraph on the simulator every second and evaluates the real rule file
 * (every `for:` cut to 1 s in its copy, so the check takes seconds, not minutes). A
 * WeChat-wide outage opens the circuit and Prometheus's own API reports the circuit alert
 * firing; then every expression of the rules and the dashboard is evaluated by that
 * Prometheus without error, and every series they name is one the subgraph exports.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants } from '../support/merchants.js';
import { alertRules, dashboardQueries, ruleFileWithFor } from '../support/monitoring-files.js';
import { PROMETHEUS_OWN_SERIES, exposedSeriesNames, selectedMetricNames } from '../support/promql.js';
import { PrivatePrometheus, describeWithPrometheus } from '../support/prometheus.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const SCRAPE_SECONDS = 1;
const EVALUATION_SECONDS = 1;
const FOR = '1s';
/** Long enough for any state to reach Prometheus and through its rules: a scrape, an evaluation, the `for:`, ten times over. */
const SETTLE_MS = (SCRAPE_SECONDS + EVALUATION_SECONDS + 1) * 1_000 * 10;
const JOB = 'cloud-environments';

const { authorizers, entries } = testMerchants(Array.from({ length: 12 }, (_, index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` })));
const merchantIds = entries.map((entry) => entry.merchantId);

interface Alert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
}
interface RuleGroup {
  readonly lastEvaluation: string;
  readonly rules: ReadonlyArray<{ readonly name: string; readonly health: string; readonly lastError?: string }>;
}

/** Polls `read` every quarter of a scrape interval until `done` holds, for at most `boundMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, boundMs: number, what: string): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${boundMs} ms; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, (SCRAPE_SECONDS * 1_000) / 4));
  }
}

describeWithPrometheus('a real Prometheus scraping a running subgraph', () => {
  let stack: SubgraphStack;
  const prometheus = new PrivatePrometheus();
  const query = () => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) });
  const alerts = async () => (await prometheus.api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts;
  const circuitAlert = (all: Alert[]) => all.find((alert) => alert.labels['alertname'] === 'WechatHostCircuitOpen');
  /** When each rule group was last evaluated, epoch ms. */
  const evaluations = async () => (await prometheus.api<{ groups: RuleGroup[] }>('/api/v1/rules', { type: 'alert' })).groups.map((group) => Date.parse(group.lastEvaluation));

  beforeAll(async () => {
    // The circuit stays open once opened: no probe within the test.
    stack = await startSubgraphStack({ simulator: { authorizers }, merchants: entries, env: { WECHAT_CIRCUIT_RESET_MS: '600000' } });
    const config = {
      global: { scrape_interval: `${SCRAPE_SECONDS}s`, scrape_timeout: `${SCRAPE_SECONDS}s`, evaluation_interval: `${EVALUATION_SECONDS}s` },
      rule_files: ['alerts.yml'],
      scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [new URL(stack.subgraph.url).host] }] }],
    };
    await prometheus.start({ config: stringify(config), files: { 'alerts.yml': ruleFileWithFor(FOR) } });
  });
  afterAll(async () => {
    await prometheus.stop();
    await stack?.stop();
  });

  it('scrapes the subgraph and loads every rule', async () => {
    await until(() => prometheus.api<{ result: unknown[] }>('/api/v1/query', { query: `up{job="${JOB}"} == 1` }), (data) => data.result.length === 1, SETTLE_MS, 'the subgraph was not scraped');
    const { groups } = await prometheus.api<{ groups: RuleGroup[] }>('/api/v1/rules', { type: 'alert' });
    expect(groups.flatMap((group) => group.rules).length).toBe(alertRules().length);
  });

  it('sees the circuit alert fire through its own API once a WeChat-wide outage opens the circuit', async () => {
    const healthy = await query();
    expect(healthy.body.errors).toBeUndefined();
    // Healthy traffic scraped and evaluated: no circuit alert, not even pending.
    await until(() => prometheus.api<{ result: unknown[] }>('/api/v1/query', { query: `cloudenv_fields_total{job="${JOB}", outcome="data"} >= ${merchantIds.length}` }), (data) => data.result.length === 1, SETTLE_MS, 'the healthy fields were not scraped');
    const scraped = Date.now();
    await until(evaluations, (times) => times.every((time) => time > scraped), SETTLE_MS, 'the rules were not evaluated after the healthy scrape');
    expect(circuitAlert(await alerts())).toBeUndefined();

    stack.simulator.startOutage({ kind: 'http', status: 502, body: '<html>502 Bad Gateway</html>' });
    const failing = await query();
    expect(new Set(failing.body.errors?.map((error) => error.extensions?.['code']))).toEqual(new Set(['WECHAT_UNAVAILABLE']));

    const firing = await until(alerts, (all) => circuitAlert(all)?.state === 'firing', SETTLE_MS, 'WechatHostCircuitOpen did not fire');
    expect(circuitAlert(firing)!.labels).toMatchObject({ job: JOB, severity: 'warning', host: new URL(stack.simulator.url).host });
    // The simulator has no disaster-recovery host: every host's circuit is open.
    await until(alerts, (all) => all.some((alert) => alert.labels['alertname'] === 'WechatAllHostsCircuitOpen' && alert.state === 'firing'), SETTLE_MS, 'WechatAllHostsCircuitOpen did not fire');
  });

  it('evaluates every rule without error', async () => {
    // Each group has been evaluated several times by now; a rule whose expression failed says so here.
    const { groups } = await prometheus.api<{ groups: RuleGroup[] }>('/api/v1/rules', { type: 'alert' });
    const unhealthy = groups.flatMap((group) => group.rules).filter((rule) => rule.health !== 'ok');
    expect(unhealthy).toEqual([]);
  });

  it('evaluates every expression of the rules and the dashboard without error', async () => {
    const expressions = [...alertRules().map((rule) => ({ source: rule.alert, expr: rule.expr })), ...dashboardQueries().map(({ panel, expr }) => ({ source: panel, expr }))];
    const failed: string[] = [];
    for (const { source, expr } of expressions) {
      await prometheus.api('/api/v1/query', { query: expr }).catch((error: Error) => failed.push(`${source}: ${error.message}`));
    }
    expect(failed).toEqual([]);
  });

  it('names only series the subgraph exports (declared, whether or not they have samples yet)', async () => {
    const exposition = await (await fetch(new URL('/metrics', stack.subgraph.url))).text();
    const exported = exposedSeriesNames(exposition);
    const named = [...alertRules().map((rule) => ({ source: rule.alert, expr: rule.expr })), ...dashboardQueries().map(({ panel, expr }) => ({ source: panel, expr }))];
    const missing = named.flatMap(({ source, expr }) => selectedMetricNames(expr).filter((name) => !exported.has(name) && !PROMETHEUS_OWN_SERIES.has(name)).map((name) => `${source}: ${name}`));
    expect(missing).toEqual([]);
  });
});
