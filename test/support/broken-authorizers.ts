/**
 * The "few broken authorizers" scenario: 18 authorizers behind the simulator (10 healthy,
 * 2 whose every other call answers -1, 6 that always fail, one each way), one operation
 * for all 18 merchants every `intervalMs`, durationMs / intervalMs of them (a busy machine
 * makes the run longer, never shorter), and a tally of what each group of merchants got
 * back and what it cost upstream.
 */
import type { SimulatedFault } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, type GraphQLResponse, merchantRepresentations, postGraphQL } from './graphql-http.js';
import { testMerchants, tokenFor } from './merchants.js';
import { type SubgraphStack, startSubgraphStack } from './stack.js';

const GET_ENV_INFO = '/tcb/getenvinfo';

export const HEALTHY = Array.from({ length: 10 }, (_, index) => `healthy${index}`);
export const FLAKY = ['flaky0', 'flaky1'];

/** Each broken authorizer, its fault, and what its merchant's field must say. */
/** The text of a field whose authorizer is held back (its code stays its failure's). */
export const HELD_BACK_TEXT = /kept failing .*held back for a while/;

export const BROKEN: ReadonlyArray<{ key: string; fault: SimulatedFault; code: string; message: RegExp }> = [
  { key: 'busy', fault: { kind: 'errcode', errcode: -1 }, code: 'WECHAT_BUSY', message: /WeChat is busy/ },
  { key: 'system', fault: { kind: 'errcode', errcode: -1000 }, code: 'WECHAT_SYSTEM_ERROR', message: /system error/ },
  { key: 'badgateway', fault: { kind: 'http', status: 502, body: '<html>502 Bad Gateway</html>' }, code: 'WECHAT_UNAVAILABLE', message: /answered with an HTTP error/ },
  { key: 'hang', fault: { kind: 'hang' }, code: 'WECHAT_UNAVAILABLE', message: /did not answer/ },
  { key: 'truncated', fault: { kind: 'truncated' }, code: 'WECHAT_UNAVAILABLE', message: /answered unreadably/ },
  { key: 'reset', fault: { kind: 'reset' }, code: 'WECHAT_UNAVAILABLE', message: /could not be reached/ },
];

const merchantOf = (key: string) => `m_${key}`;

export interface ScenarioReport {
  readonly operations: number;
  /** Per merchant key: how many fields were data, and the error codes (with their messages) otherwise. */
  readonly fields: Map<string, { data: number; errors: Array<{ code: string; message: string; retryable: unknown; retryAfterMs: unknown }> }>;
  /** HTTP calls per broken authorizer in the run's last durationMs / 2. */
  readonly lateCallsByBroken: Map<string, number>;
  readonly stack: SubgraphStack;
}

/** Runs the scenario; the caller stops `report.stack`. */
export async function runBrokenAuthorizersScenario(options: { durationMs: number; intervalMs: number; env?: Record<string, string> }): Promise<ScenarioReport> {
  const keys = [...HEALTHY, ...FLAKY, ...BROKEN.map((broken) => broken.key)];
  const { authorizers, entries } = testMerchants(keys.map((key) => ({ merchantId: merchantOf(key), authorizer: key })));
  const stack = await startSubgraphStack({
    simulator: { authorizers },
    merchants: entries,
    env: { WECHAT_TIMEOUT_MS: '800', CLOUDENV_CACHE_TTL_MS: '500', WECHAT_CIRCUIT_RESET_MS: '2000', ...options.env },
  });
  for (const key of FLAKY) stack.simulator.injectFault(tokenFor(key), { kind: 'errcode', errcode: -1 }, { every: 2 });
  for (const broken of BROKEN) stack.simulator.injectFault(tokenFor(broken.key), broken.fault);

  const representations = merchantRepresentations(...keys.map(merchantOf));
  const operations: Array<Promise<GraphQLResponse<any>>> = [];
  for (let sent = 0; sent < Math.round(options.durationMs / options.intervalMs); sent += 1) {
    operations.push(postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations }));
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  const responses = await Promise.all(operations);
  const ended = Date.now();
  const half = ended - options.durationMs / 2;

  const fields: ScenarioReport['fields'] = new Map(keys.map((key) => [key, { data: 0, errors: [] }]));
  for (const { body } of responses) {
    keys.forEach((key, index) => {
      const tally = fields.get(key)!;
      if (body.data?._entities?.[index]?.cloudEnvironments) tally.data += 1;
      const error = body.errors?.find((candidate) => candidate.path?.[1] === index);
      if (error) tally.errors.push({ code: error.extensions?.['code'], message: error.message, retryable: error.extensions?.['retryable'], retryAfterMs: error.extensions?.['retryAfterMs'] });
    });
  }
  const lateCallsByBroken = new Map(
    BROKEN.map(({ key }) => [key, stack.simulator.calls.filter((call) => call.path === GET_ENV_INFO && call.accessToken === tokenFor(key) && call.at >= half && call.at <= ended).length]),
  );
  return { operations: responses.length, fields, lateCallsByBroken, stack };
}

/** The figures an operator would look at, one block of text. */
export function describeScenario(report: ScenarioReport, durationMs: number): string {
  const byCode = new Map<string, number>();
  let ok = 0;
  for (const tally of report.fields.values()) {
    ok += tally.data;
    for (const error of tally.errors) byCode.set(error.code, (byCode.get(error.code) ?? 0) + 1);
  }
  const healthyFailed = HEALTHY.reduce((sum, key) => sum + report.fields.get(key)!.errors.length, 0);
  const flakyFailed = FLAKY.reduce((sum, key) => sum + report.fields.get(key)!.errors.length, 0);
  const late = [...report.lateCallsByBroken].map(([key, calls]) => `${key} ${calls}`).join(', ');
  const total = [...report.lateCallsByBroken.values()].reduce((sum, calls) => sum + calls, 0);
  return [
    `broken-authorizers scenario: ${report.operations} operations × 18 merchants over ${durationMs / 1000} s`,
    `  fields ok: ${ok}; failed by code: ${[...byCode].map(([code, count]) => `${code} ${count}`).join(', ') || 'none'}`,
    `  healthy fields failed: ${healthyFailed} of ${report.operations * HEALTHY.length}; every-other-call -1 fields failed: ${flakyFailed} of ${report.operations * FLAKY.length}`,
    `  broken authorizers' WeChat calls in the last ${durationMs / 2000} s: ${total} (${late})`,
  ].join('\n');
}
