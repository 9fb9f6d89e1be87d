/**
 * The subgraph's Prometheus metrics (prom-client), one registry per running subgraph so
 * tests and replicas in one process never mix counts. Labels carry endpoints, errcodes,
 * outcomes and operation names only: never a token, secret or merchant id.
 */
import { ERROR_CODES, lastGoodOnFailure } from '../errors/error-codes.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MAX_OPERATION_NAMES = 200;

export class Metrics {
  readonly registry = new Registry();

  /**
   * Every HTTP call sent to WeChat, by endpoint path and outcome: `0`, an errcode, a transport
   * failure, or `deadline` for a call the operation's deadline cut short before WeChat had
   * its full WECHAT_TIMEOUT_MS (not WeChat's timeout: the caller ran out of time).
   */
  readonly upstreamCalls = new Histogram({
    name: 'wechat_upstream_call_duration_seconds',
    help: 'WeChat API calls sent, by endpoint and outcome (errcode, transport failure, or deadline: cut short by the operation deadline)',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  /**
   * WeChat calls never sent: not in the histogram above (they took no time and say nothing
   * of WeChat), so an operator tells an overloaded or short-budgeted subgraph from a slow
   * WeChat. `deadline`: the operation's deadline passed while the call waited for a slot;
   * `circuit_open`, `overloaded`: refused at once by the host circuit or the full queue;
   * `held_back`: the authorizer is held back after repeated failures of its own.
   */
  readonly upstreamCallsSkipped = new Counter({
    name: 'wechat_upstream_calls_skipped_total',
    help: 'WeChat calls not sent, by endpoint and reason (deadline, circuit_open, overloaded, held_back)',
    labelNames: ['endpoint', 'reason'] as const,
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

  /** Read at each scrape from what holds them back (countHeldBackAuthorizersWith): an authorizer nobody asks for any more drops out once its back-off ends. */
  readonly authorizersHeldBack: Gauge = new Gauge({
    name: 'wechat_authorizers_held_back',
    help: 'Authorizers whose WeChat calls are held back now after repeated failures of their own (a back-off running, or its one probe out)',
    registers: [this.registry],
    collect: () => this.authorizersHeldBack.set(this.heldBackAuthorizers()),
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

  /**
   * The metrics operators alert on (deploy/prometheus). Their names are a contract with the
   * alert rules and the dashboard: rename one and both must follow.
   */

  /** Seconds since the stored component_verify_ticket arrived (own-token mode); no sample (`.remove()`) while none is stored. */
  readonly componentTicketAge = new Gauge({
    name: 'wechat_component_ticket_age_seconds',
    help: 'Seconds since the stored component_verify_ticket arrived (WeChat pushes one every 10 minutes; it is valid 12 hours)',
    registers: [this.registry],
  });

  /** 1 while a shared dependency cannot be used (it costs the fields that need it, never readiness), else 0. */
  readonly degraded = new Gauge({
    name: 'cloudenv_degraded',
    help: 'Shared dependencies this replica cannot use right now, by check (store, platform, jwks, ticket): 1 degraded, 0 fine',
    labelNames: ['check'] as const,
    registers: [this.registry],
  });

  /** Fields answered from the last good answer rather than a fresh one, by why the fresh one was not had. */
  readonly staleAnswers = new Counter({
    name: 'cloudenv_stale_answers_total',
    help: 'cloudEnvironments fields served from the last good answer, by reason (revalidating, or the error code a fresh answer met)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Every Merchant.cloudEnvironments field answered, by outcome: the denominator of the error share. */
  readonly fields = new Counter({
    name: 'cloudenv_fields_total',
    help: 'Merchant.cloudEnvironments fields answered, by outcome (data, stale, error)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly fieldErrors = new Counter({
    name: 'cloudenv_field_errors_total',
    help: 'Merchant.cloudEnvironments fields that failed, by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** The denominator of the held-back ratio, read at each scrape from what counts them (countActiveAuthorizersWith). */
  readonly authorizersActive: Gauge = new Gauge({
    name: 'wechat_authorizers_active',
    help: 'Distinct authorizers this replica called WeChat for in the last 5 minutes',
    registers: [this.registry],
    collect: () => this.authorizersActive.set(this.activeAuthorizers()),
  });

  /** Records the subgraph got back from WeChat after they went missing (a lost store, a lost refresh token). */
  readonly tokenRecoveries = new Counter({
    name: 'wechat_token_recoveries_total',
    help: 'Recoveries of lost records from WeChat, by record (refresh_token, ticket, registry) and outcome (recovered, failed)',
    labelNames: ['record', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly operationNames = new Set<string>();
  private activeAuthorizers: () => number = () => 0;
  private heldBackAuthorizers: () => number = () => 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.startAtZero();
    // An unlabelled gauge starts with a 0 sample, which would read as a ticket just arrived; no sample until one is known.
    this.componentTicketAge.remove();
  }

  /**
   * Every label set known ahead starts at 0, so a counter's first increase is one that
   * rate() and increase() can see (a series born at 1 shows no rise) and a dashboard shows
   * a line at 0 rather than no data.
   */
  private startAtZero(): void {
    for (const outcome of ['data', 'stale', 'error']) this.fields.inc({ outcome }, 0);
    for (const code of ERROR_CODES) {
      this.fieldErrors.inc({ code }, 0);
      if (lastGoodOnFailure(code) === 'serve') this.staleAnswers.inc({ reason: code }, 0);
    }
    this.staleAnswers.inc({ reason: 'revalidating' }, 0);
    for (const kind of ['component', 'authorizer']) for (const outcome of ['minted', 'failed']) this.tokenRefreshes.inc({ kind, outcome }, 0);
    for (const record of ['refresh_token', 'ticket', 'registry']) for (const outcome of ['recovered', 'failed']) this.tokenRecoveries.inc({ record, outcome }, 0);
  }

  /** Who answers wechat_authorizers_active when it is scraped (the upstream guard). */
  countActiveAuthorizersWith(count: () => number): void {
    this.activeAuthorizers = count;
  }

  /** Who answers wechat_authorizers_held_back when it is scraped (the per-authorizer back-off). */
  countHeldBackAuthorizersWith(count: () => number): void {
    this.heldBackAuthorizers = count;
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
