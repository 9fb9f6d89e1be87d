/**
 * The subgraph's Prometheus metrics (prom-client), one registry per running subgraph so
 * tests and replicas in one process never mix counts. Labels carry endpoints, errcodes,
 * outcomes and operation names only: never a token, secret or merchant id.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MAX_OPERATION_NAMES = 200;

export class Metrics {
  readonly registry = new Registry();

  /** Every HTTP call to WeChat, by endpoint path and outcome: `0`, an errcode, or a transport failure. */
  readonly upstreamCalls = new Histogram({
    name: 'wechat_upstream_call_duration_seconds',
    help: 'WeChat API calls by endpoint and outcome (errcode, or transport failure)',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly tokenRefreshes = new Counter({
    name: 'wechat_token_refreshes_total',
    help: 'Token mints (component or authorizer access tokens), by outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly singleFlightJoins = new Counter({
    name: 'wechat_single_flight_joins_total',
    help: 'Callers that joined a fetch already in flight instead of starting their own',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'cloudenv_loader_batch_size',
    help: 'Field requests answered by one getEnvInfo batch (one authorizer, one operation)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'cloudenv_cache_lookups_total',
    help: 'getEnvInfo result cache lookups, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'wechat_circuit_state',
    help: 'WeChat circuit breaker per host: 0 closed, 1 half-open, 2 open',
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly authorizersHeldBack = new Gauge({
    name: 'wechat_authorizers_held_back',
    help: 'Authorizers whose WeChat calls are held back after repeated failures of their own',
    registers: [this.registry],
  });

  readonly upstreamHostInUse = new Gauge({
    name: 'wechat_upstream_host_in_use',
    help: "1 for the WeChat host calls go to now (the primary, or the disaster-recovery host while the primary's circuit is open), 0 for the other",
    labelNames: ['host'] as const,
    registers: [this.registry],
  });

  readonly operations = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operations by name and outcome (ok, field_errors, request_error)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  private readonly operationNames = new Set<string>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A bounded, safe label for a client-chosen operation name. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
      this.operationNames.add(name);
    }
    return name;
  }
}

/** Metrics that go nowhere, for code run outside a subgraph (unit tests, the CLI). */
export const unobserved = (): Metrics => new Metrics();
