/**
 * The alert rules operators load (deploy/prometheus): each one well formed (a severity, a
 * `for:`, a summary, a description, a runbook section that exists), reading only series the
 * subgraph declares, and proven by the real promtool: `check rules` and `test rules` pass,
 * every rule has a firing and a not-firing case, and without any one rule its cases fail.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';
import { headingAnchors } from '../support/markdown.js';
import { REPOSITORY, RULES_FILE, RULES_FOLDER, RULE_TESTS_FILE, alertRules, readRuleTests, ruleFileWithout, runbookTarget } from '../support/monitoring-files.js';
import { PROMETHEUS_OWN_SERIES, exposedSeriesNames, selectedMetricNames } from '../support/promql.js';
import { describeWithPromtool, promtool, temporaryFolder } from '../support/prometheus.js';

const rules = alertRules();
const described = rules.map((rule, index) => [`${rule.alert} (${rule.labels['severity']})`, rule, index] as const);

describe('the alert rules', () => {
  it('are there: one or more for each thing operators watch', () => {
    expect(rules.length).toBeGreaterThanOrEqual(18);
  });

  it.each(described)('%s has a severity, a for:, a summary and a description naming its labels', (_, rule) => {
    expect(['warning', 'critical']).toContain(rule.labels['severity']);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(rule.annotations['summary']).toMatch(/\{\{ \$labels\.job \}\}|replica/);
    expect(rule.annotations['description']!.length).toBeGreaterThan(40);
  });

  it.each(described)('%s links its own runbook section in docs/operations.md', (_, rule) => {
    const { page, anchor } = runbookTarget(rule);
    expect(page).toBe('docs/operations.md');
    expect(anchor).toBe(`alert-${rule.alert.toLowerCase()}`);
    expect(headingAnchors(readFileSync(join(REPOSITORY, page), 'utf8'))).toContain(anchor);
  });

  it('select only series the subgraph declares, or that Prometheus makes itself', async () => {
    const declared = exposedSeriesNames(await new Metrics({ processMetrics: true }).registry.metrics());
    const unknown = rules.flatMap((rule) => selectedMetricNames(rule.expr).filter((name) => !declared.has(name) && !PROMETHEUS_OWN_SERIES.has(name)).map((name) => `${rule.alert}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it.each(described)('%s has a case where it fires and one where it must not', (_, rule) => {
    const cases = readRuleTests().tests.flatMap((test) => (test.alert_rule_test ?? []).filter((check) => check.alertname === rule.alert));
    expect(cases.some((check) => check.exp_alerts.some((alert) => alert.exp_labels['severity'] === rule.labels['severity']))).toBe(true);
    expect(cases.some((check) => check.exp_alerts.length === 0)).toBe(true);
  });
});

describe('CI', () => {
  it("installs Debian's prometheus package when promtool or prometheus is missing, and then fails rather than skips these tests", () => {
    const script = readFileSync(join(REPOSITORY, '.ci/run'), 'utf8');
    expect(script).toMatch(/command -v promtool[^\n]*command -v prometheus/);
    expect(script).toMatch(/apt-get install -y -qq prometheus/);
    expect(script).toMatch(/^export REQUIRE_PROMETHEUS=1/m);
    expect(script.indexOf('REQUIRE_PROMETHEUS=1')).toBeLessThan(script.indexOf('npm test'));
  });
});

describeWithPromtool('promtool', () => {
  let scratch: Awaited<ReturnType<typeof temporaryFolder>>;
  beforeAll(async () => {
    scratch = await temporaryFolder('alert-rules');
  });
  afterAll(async () => {
    await scratch?.remove();
  });

  it('checks the rule file: every rule parses, with its templates', async () => {
    const { code, output } = await promtool(['check', 'rules', RULES_FILE], RULES_FOLDER);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(code).toBe(0);
  });

  it('passes every unit test of the rules', async () => {
    const { code, output } = await promtool(['test', 'rules', RULE_TESTS_FILE], RULES_FOLDER);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  // The cases of a rule are the test groups that name its alert; without the rule they must fail.
  it.concurrent.for(described)('fails the cases of %s when that rule is removed', async ([, rule, index], { expect }) => {
    const tests = readRuleTests();
    const folder = join(scratch.path, String(index));
    await mkdir(folder);
    await writeFile(join(folder, RULES_FILE), ruleFileWithout(index));
    const mine = tests.tests.filter((test) => (test.alert_rule_test ?? []).some((check) => check.alertname === rule.alert));
    await writeFile(join(folder, RULE_TESTS_FILE), stringify({ ...tests, rule_files: [RULES_FILE], tests: mine }));
    const { code, output } = await promtool(['test', 'rules', RULE_TESTS_FILE], folder);
    expect(code).toBe(1);
    expect(output).toContain(`alertname: ${rule.alert}`);
    expect(output).toMatch(new RegExp(`severity="${rule.labels['severity']}"`));
  });
});
