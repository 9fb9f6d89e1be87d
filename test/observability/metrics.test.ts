/**
 * GET /metrics in the Prometheus text format, after real traffic: what WeChat was asked
 * and how it answered, token refreshes and single-flight joins, batch sizes, cache
 * results, circuit state, operations by name and outcome, and process metrics; and no
 * token, secret or merchant id in any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureOutput } from '../support/suite-capture.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

let stack: SubgraphStack;
let metrics: string;

beforeAll(async () => {
  // A back-off longer than the file, so the busy authorizer is still held back when /metrics is read.
  stack = await startSubgraphStack({ env: { CLOUDENV_CACHE_TTL_MS: '5000', WECHAT_AUTHORIZER_BACKOFF_BASE_MS: '60000' } });
  const named = ENTITIES_QUERY.replace('query Entities', 'query MerchantPage');
  // Demo merchants: a shared authorizer, a busy one, an expired one, an unknown one.
  await Promise.all([1, 2, 3].map(() => postGraphQL(stack.subgraph.url, named, { representations: merchantRepresentations('m_1001', 'm_1002', 'm_2003', 'm_2001', 'm_3001') })));
  await postGraphQL(stack.subgraph.url, named, { representations: merchantRepresentations('m_1001') });
  const response = await fetch(new URL('/metrics', stack.subgraph.url));
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  metrics = await response.text();
  captureOutput(metrics);
});
afterAll(async () => {
  await stack?.stop();
});

const sample = (pattern: RegExp) => metrics.split('\n').filter((line) => pattern.test(line));
const value = (line: string | undefined) => Number(line?.split(' ').at(-1));

describe('GET /metrics', () => {
  it('counts WeChat calls by endpoint and outcome, with their latency', () => {
    expect(value(sample(/^wechat_upstream_call_duration_seconds_count\{endpoint="\/tcb\/getenvinfo",outcome="0"\}/)[0])).toBeGreaterThan(0);
    expect(value(sample(/^wechat_upstream_call_duration_seconds_count\{endpoint="\/tcb\/getenvinfo",outcome="-1"\}/)[0])).toBeGreaterThanOrEqual(3);
    expect(sample(/^wechat_upstream_call_duration_seconds_bucket\{le="0.005",endpoint="\/tcb\/getenvinfo",outcome="0"\}/)).toHaveLength(1);
    expect(value(sample(/^wechat_upstream_call_duration_seconds_count\{endpoint="\/cgi-bin\/component\/api_component_token",outcome="0"\}/)[0])).toBe(1);
  });

  it('counts token refreshes and single-flight joins', () => {
    expect(value(sample(/^wechat_token_refreshes_total\{kind="component",outcome="minted"\}/)[0])).toBe(1);
    expect(value(sample(/^wechat_token_refreshes_total\{kind="authorizer",outcome="minted"\}/)[0])).toBeGreaterThanOrEqual(2);
    expect(value(sample(/^wechat_single_flight_joins_total\{kind="token"\}/)[0])).toBeGreaterThan(0);
  });

  it('shows batch sizes, cache results and the circuit state', () => {
    expect(value(sample(/^cloudenv_loader_batch_size_count/)[0])).toBeGreaterThan(0);
    expect(value(sample(/^cloudenv_cache_lookups_total\{result="hit"\}/)[0])).toBeGreaterThan(0);
    expect(value(sample(/^cloudenv_cache_lookups_total\{result="miss"\}/)[0])).toBeGreaterThan(0);
    expect(sample(/^wechat_circuit_state\{host="127\.0\.0\.1:\d+"\} 0$/)).toHaveLength(1);
  });

  it('shows how many authorizers are held back (the always-busy one) and which WeChat host is in use, naming no authorizer', () => {
    expect(sample(/^wechat_authorizers_held_back \d+$/).map(value)).toEqual([1]);
    expect(sample(/^wechat_upstream_host_in_use\{host="127\.0\.0\.1:\d+"\} 1$/)).toHaveLength(1);
    expect(metrics).not.toContain('wxd3a85b16f2e0c749');
  });

  it('counts operations by name and outcome, and exposes process metrics', () => {
    expect(value(sample(/^graphql_operation_duration_seconds_count\{operation="MerchantPage",outcome="field_errors"\}/)[0])).toBe(3);
    expect(value(sample(/^graphql_operation_duration_seconds_count\{operation="MerchantPage",outcome="ok"\}/)[0])).toBe(1);
    expect(sample(/^process_cpu_user_seconds_total/)).toHaveLength(1);
    expect(sample(/^nodejs_eventloop_lag_seconds/).length).toBeGreaterThan(0);
  });

  it('carries no token, secret or merchant id', () => {
    const minted = stack.simulator.calls.map((call) => call.accessToken).filter((token): token is string => token !== undefined);
    for (const secret of [...minted, 'demo-refresh-shared-storefront', 'demo-token-personal-plan', 'm_1001', 'wx5f3c0a1b2c3d4e5f']) {
      expect(metrics).not.toContain(secret);
    }
  });
});
