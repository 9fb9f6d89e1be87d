/**
 * The Grafana dashboard operators import (deploy/grafana): valid JSON with a Prometheus data
 * source variable, every panel bound to it with queries, unique ids, panels that do not
 * overlap, and queries that parse and read only series the subgraph declares, covering what
 * an operator watches. The live check (prometheus-live.slow.test.ts) runs each query.
 */
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/observability/metrics.js';
import { dashboardPanels, dashboardQueries, readDashboard } from '../support/monitoring-files.js';
import { PROMETHEUS_OWN_SERIES, exposedSeriesNames, selectedMetricNames } from '../support/promql.js';

const dashboard = readDashboard();
const panels = dashboardPanels(dashboard);
const charts = panels.filter((panel) => panel.type !== 'row');
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

describe('the Grafana dashboard', () => {
  it('has a uid, a title and a Prometheus data source variable that every other variable queries through', () => {
    expect(dashboard.uid).toBe('cloud-environments');
    expect(dashboard.title).toBeTruthy();
    const variables = dashboard.templating.list;
    expect(variables.find((variable) => variable.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const variable of variables.filter((candidate) => candidate.type === 'query')) expect(variable).toMatchObject({ datasource: DATASOURCE });
  });

  it('gives every panel that data source and at least one query bound to it', () => {
    expect(charts.length).toBeGreaterThanOrEqual(20);
    for (const panel of charts) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target, panel.title).toMatchObject({ datasource: DATASOURCE, expr: expect.any(String), refId: expect.any(String) });
      expect(new Set(panel.targets!.map((target) => target.refId)).size, panel.title).toBe(panel.targets!.length);
    }
  });

  it('numbers its panels uniquely and lays them out on the 24-column grid without overlap', () => {
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    const cells = new Map<string, string>();
    for (const panel of panels) {
      const { x, y, w, h } = (panel as unknown as { gridPos: { x: number; y: number; w: number; h: number } }).gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          const key = `${column},${row}`;
          expect(cells.get(key), `${panel.title} overlaps`).toBeUndefined();
          cells.set(key, panel.title);
        }
      }
    }
  });

  it('queries only series the subgraph declares, or that Prometheus makes itself', async () => {
    const declared = exposedSeriesNames(await new Metrics({ processMetrics: true }).registry.metrics());
    const unknown = dashboardQueries(dashboard).flatMap(({ panel, expr }) => selectedMetricNames(expr).filter((name) => !declared.has(name) && !PROMETHEUS_OWN_SERIES.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('shows requests, errors by code, latency, WeChat calls, circuits, held-back authorizers, tokens, cache, stale answers and health', () => {
    const selected = new Set(dashboardQueries(dashboard).flatMap(({ expr }) => selectedMetricNames(expr)));
    for (const series of [
      'graphql_operation_duration_seconds_count',
      'graphql_operation_duration_seconds_bucket',
      'cloudenv_fields_total',
      'cloudenv_field_errors_total',
      'wechat_upstream_call_duration_seconds_count',
      'wechat_circuit_state',
      'wechat_authorizers_held_back',
      'wechat_authorizers_active',
      'wechat_token_refreshes_total',
      'cloudenv_cache_lookups_total',
      'cloudenv_stale_answers_total',
      'cloudenv_degraded',
      'wechat_component_ticket_age_seconds',
    ]) {
      expect(selected, series).toContain(series);
    }
  });
});
