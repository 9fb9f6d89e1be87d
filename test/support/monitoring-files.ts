/**
 * The files operators load, as the tests read them: the Prometheus alert rules and their
 * promtool tests (deploy/prometheus), and the Grafana dashboard (deploy/grafana) with its
 * variables filled in the way Grafana would before it sends a query.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_FOLDER = `${REPOSITORY}deploy/prometheus`;
export const RULES_FILE = 'cloud-environments-alerts.yml';
export const RULE_TESTS_FILE = 'cloud-environments-alerts.test.yml';
export const DASHBOARD_FILE = `${REPOSITORY}deploy/grafana/cloud-environments.json`;

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleFile {
  readonly groups: ReadonlyArray<{ readonly name: string; readonly rules: readonly AlertRule[] }>;
}

export interface RuleTestFile {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string> }> }> }>;
}

export function readRuleFile(): RuleFile {
  return parse(readFileSync(`${RULES_FOLDER}/${RULES_FILE}`, 'utf8')) as RuleFile;
}

export function readRuleTests(): RuleTestFile {
  return parse(readFileSync(`${RULES_FOLDER}/${RULE_TESTS_FILE}`, 'utf8')) as RuleTestFile;
}

/** Every alerting rule, in file order. */
export function alertRules(file: RuleFile = readRuleFile()): AlertRule[] {
  return file.groups.flatMap((group) => group.rules);
}

/** The rule file as YAML without its `index`-th rule (file order), every other rule as it is. */
export function ruleFileWithout(index: number, file: RuleFile = readRuleFile()): string {
  let position = 0;
  const groups = file.groups.map((group) => ({ ...group, rules: group.rules.filter(() => position++ !== index) }));
  return stringify({ groups });
}

/** The rule file as YAML with every `for:` set to `duration`, so a live check need not wait minutes. */
export function ruleFileWithFor(duration: string, file: RuleFile = readRuleFile()): string {
  return stringify({ groups: file.groups.map((group) => ({ ...group, rules: group.rules.map((rule) => ({ ...rule, for: duration })) })) });
}

/** The section of docs/ a rule's runbook_url names, without the runbook_base operators may put in front. */
export function runbookTarget(rule: AlertRule): { page: string; anchor: string } {
  const url = rule.annotations['runbook_url'] ?? '';
  const match = /^\{\{ \$externalLabels\.runbook_base \}\}(docs\/[\w.-]+\.md)#([\w-]+)$/.exec(url);
  if (!match) throw new Error(`${rule.alert}: runbook_url ${JSON.stringify(url)} is not {{ $externalLabels.runbook_base }}docs/<page>.md#<anchor>`);
  return { page: match[1]!, anchor: match[2]! };
}

export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: ReadonlyArray<{ readonly refId: string; readonly expr: string; readonly datasource?: { readonly type: string; readonly uid: string } }>;
  readonly panels?: readonly DashboardPanel[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
  readonly templating: { readonly list: ReadonlyArray<{ readonly name: string; readonly type: string; readonly query?: unknown }> };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel, those inside collapsed rows included. */
export function dashboardPanels(dashboard: Dashboard = readDashboard()): DashboardPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** What Grafana puts in place of its variables when it queries a live Prometheus scraping every second. */
export const LIVE_VARIABLES: Readonly<Record<string, string>> = { __rate_interval: '1m', __interval: '1s', __range: '5m', job: '.+', instance: '.+' };

/** A dashboard expression with `$name` and `${name}` replaced from `variables`; an unknown variable throws. */
export function fillVariables(expr: string, variables: Readonly<Record<string, string>> = LIVE_VARIABLES): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = variables[name];
    if (value === undefined) throw new Error(`dashboard variable ${whole} has no value here; known: ${Object.keys(variables).join(', ')}`);
    return value;
  });
}

/** Every query of the dashboard, with its panel's title, variables filled. */
export function dashboardQueries(dashboard: Dashboard = readDashboard(), variables = LIVE_VARIABLES): Array<{ panel: string; expr: string }> {
  return dashboardPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: fillVariables(target.expr, variables) })));
}
