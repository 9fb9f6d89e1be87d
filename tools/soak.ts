/**
 * The soak test: thousands of client operations at high concurrency through a real
 * @apollo/gateway, with a share of WeChat's getenvinfo calls faulted at random, checking
 * that nothing is lost on the way:
 *
 * - every merchant field of every response is correct data or a structured error with a
 *   known `extensions.code` at its client path (no missing field, no wrong-merchant data);
 *   data may be the merchant's own last good answer, served in a fault's place, and at
 *   least 99.5% of the authorized merchants' fields are data (with stale if error on);
 * - no unhandled rejection or uncaught exception, no crash;
 * - the token endpoints are called at the single-flight minimum: api_component_token once,
 *   api_authorizer_token once per authorizer (the fault mix leaves out the token-rejecting
 *   errcodes 40001/40014/42001, so no heal-triggered refresh is legitimate);
 * - memory is flat: RSS after the run ≤ RSS after warm-up × 1.5 + 50 MiB, both measured
 *   after a full gc (run node with --expose-gc; without it the bound is looser in practice).
 *
 * Everything runs in this process: simulator, subgraph, merchants stand-in, gateway and the
 * clients; WeChat calls time out after SOAK_WECHAT_TIMEOUT_MS (2 s, soak-stack.ts says why
 * not less). `npm run soak` runs the full size (`--operations 5000 --concurrency 32
 * --fault-fraction 0.2` by default) and exits 1 when any check failed; test/soak runs it
 * short in `npm test` and at full size in `npm run test:slow`.
 */
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { destination } from 'pino';
import { Agent } from 'undici';
import { ruleForErrcode, WECHAT_UNAVAILABLE } from '../src/errors/error-codes.js';
import { createLogger } from '../src/logger.js';
import { type SimulatedFault, seededRandom } from '../src/simulator/index.js';
import { readCommandLine, refuseCommandLine } from './command-line.js';
import { ResponseCheck } from './soak/response-check.js';
import { failedRunChecks } from './soak/run-checks.js';
import { driveOperations } from './soak/soak-driver.js';
import { SoakOperations } from './soak/soak-operations.js';
import { formatSoakReport, rssBoundBytes, type SoakReport } from './soak/soak-report.js';
import { type SoakOptions, type SoakSettings, validSoakSettings } from './soak/soak-settings.js';
import { type SoakStack, startSoakStack } from './soak/soak-stack.js';
import { percentile, SoakTally } from './soak/soak-tally.js';
import { buildSoakWorld, type SoakWorld } from './soak/soak-world.js';
import { UpstreamCalls } from './soak/upstream-calls.js';

export type { SoakReport } from './soak/soak-report.js';
export type { SoakOptions } from './soak/soak-settings.js';

/** The random faults, chosen uniformly. Each hang costs one SOAK_WECHAT_TIMEOUT_MS, which the run can afford. */
export const SOAK_FAULTS: readonly SimulatedFault[] = [
  { kind: 'errcode', errcode: -1 },
  { kind: 'errcode', errcode: 45011 },
  { kind: 'http', status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>' },
  { kind: 'truncated' },
  { kind: 'reset' },
  { kind: 'delay', ms: 50 },
  { kind: 'hang' },
];

/** The codes the fault mix can give an authorized merchant: each errcode's own, and WECHAT_UNAVAILABLE for everything else. */
function codesOf(faults: readonly SimulatedFault[]): ReadonlySet<string> {
  return new Set([WECHAT_UNAVAILABLE.code, ...faults.flatMap((fault) => (fault.kind === 'errcode' ? [ruleForErrcode(fault.errcode).code] : []))]);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const settings = validSoakSettings(options);
  const world = buildSoakWorld(settings);
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${describeThrown(reason)}`);
  const onException = (error: Error) => crashes.push(`uncaught exception: ${describeThrown(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  try {
    const stack = await startSoakStack(world, { cacheTtlMs: settings.cacheTtlMs, staleIfErrorMs: settings.staleIfErrorMs, logger: options.logger ?? createLogger({ level: 'silent' }) });
    const dispatcher = new Agent({ connections: settings.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
    let report: SoakReport;
    try {
      report = await soak(settings, world, stack, dispatcher);
    } finally {
      await dispatcher.close();
      await stack.stop();
    }
    // Crashes first: they were caught anywhere, shutdown included.
    report.failures.unshift(...crashes);
    return report;
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
}

/** Warm-up without faults, RSS, the faulted run, RSS again: the figures and every failure. */
async function soak(settings: SoakSettings, world: SoakWorld, stack: SoakStack, dispatcher: Agent): Promise<SoakReport> {
  const operations = new SoakOperations(world.merchants, world.allEnvIds, seededRandom(settings.seed));
  const calls = new UpstreamCalls(stack.simulator);
  const drive = { gatewayUrl: stack.gatewayUrl, dispatcher, concurrency: settings.concurrency, operations, onTick: () => calls.collect() };

  const warm = new SoakTally();
  // No faults yet: every authorized merchant's field must be data.
  await driveOperations({ ...drive, phase: 'warm-up', count: settings.warmupOperations, check: new ResponseCheck(world.merchants, new Set(), warm, stack.startedAt), tally: warm });
  calls.collect();
  const getEnvInfoBefore = calls.getEnvInfo;
  const warmBytes = await settledRss();

  stack.simulator.injectRandomFaults({ fraction: settings.faultFraction, faults: [...SOAK_FAULTS], seed: settings.seed });
  const main = new SoakTally();
  const started = performance.now();
  await driveOperations({ ...drive, phase: 'soak', count: settings.operations, check: new ResponseCheck(world.merchants, codesOf(SOAK_FAULTS), main, stack.startedAt), tally: main });
  const durationMs = performance.now() - started;
  const faultsInjected = stack.simulator.randomFaultCount;
  stack.simulator.clearFaults();
  calls.collect();
  const afterBytes = await settledRss();

  const report: SoakReport = {
    settings: { ...settings, unauthorizedMerchants: world.merchants.length - settings.merchants },
    operations: main.operations,
    durationMs,
    merchantFields: main.merchantFields,
    cloudEnvironments: { ...main.environments, authorized: { ...main.authorized } },
    staleByReason: await staleAnswersByReason(stack.subgraphUrl),
    errorsByCode: Object.fromEntries(main.errorsByCode),
    latencyMs: { p50: percentile(main.latenciesMs, 0.5), p99: percentile(main.latenciesMs, 0.99), max: percentile(main.latenciesMs, 1) },
    upstream: {
      getEnvInfoCalls: calls.getEnvInfo - getEnvInfoBefore,
      faultsInjected,
      componentTokenCalls: calls.componentToken,
      authorizerTokenCalls: calls.authorizerToken,
      expectedAuthorizerTokenCalls: settings.authorizers,
    },
    rss: { warmBytes, afterBytes, boundBytes: rssBoundBytes(warmBytes) },
    failures: [],
  };
  report.failures.push(...failedRunChecks(report, calls), ...warm.failureList('warm-up: '), ...main.failureList(''));
  return report;
}

/** The subgraph's cloudenv_stale_answers_total by reason: the faults that met a last good answer, by the code they stood for. */
async function staleAnswersByReason(subgraphUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', subgraphUrl))).text();
  const samples = [...text.matchAll(/^cloudenv_stale_answers_total\{reason="([A-Z_a-z]+)"\} (\d+)$/gm)];
  return Object.fromEntries(samples.map(([, reason, count]) => [reason!, Number(count)]));
}

/** RSS once garbage is collected (when node runs with --expose-gc) and freed sockets have closed. */
async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let round = 0; round < 3; round += 1) {
    gc?.();
    await sleep(50);
  }
  return process.memoryUsage().rss;
}

function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? (thrown.stack ?? thrown.message).split('\n').slice(0, 4).join(' | ') : String(thrown);
}

const SOAK = {
  name: 'npm run soak',
  usage: `usage: npm run soak -- [--operations 5000] [--concurrency 32] [--fault-fraction 0.2] [--merchants 48]
                          [--authorizers 12] [--seed 1] [--warmup 300] [--cache-ttl-ms 0]
                          [--stale-if-error-ms <the shipped default>] [--log-level error]

Thousands of operations through a real @apollo/gateway with a share of WeChat's getenvinfo
calls faulted at random; exits 1 when any check failed (every field correct data, its own
last good answer included, or a known error; at least 99.5% of the authorized merchants'
fields data; no crash; token endpoints at the single-flight minimum; RSS flat).
--warmup defaults to a quarter of --operations, at most 300; --cache-ttl-ms and
--stale-if-error-ms are the subgraph's CLOUDENV_CACHE_TTL_MS and CLOUDENV_STALE_IF_ERROR_MS
(0 shows what the faults cost without stale answers).`,
};

async function main(): Promise<void> {
  const { values } = readCommandLine({
    ...SOAK,
    options: {
      operations: { type: 'string', default: '5000' },
      concurrency: { type: 'string', default: '32' },
      'fault-fraction': { type: 'string', default: '0.2' },
      merchants: { type: 'string', default: '48' },
      authorizers: { type: 'string', default: '12' },
      seed: { type: 'string', default: '1' },
      warmup: { type: 'string' },
      'cache-ttl-ms': { type: 'string', default: '0' },
      'stale-if-error-ms': { type: 'string' },
      'log-level': { type: 'string', default: 'error' },
    },
  });
  const options: SoakOptions = {
    operations: Number(values.operations),
    concurrency: Number(values.concurrency),
    faultFraction: Number(values['fault-fraction']),
    merchants: Number(values.merchants),
    authorizers: Number(values.authorizers),
    seed: Number(values.seed),
    ...(values.warmup === undefined ? {} : { warmupOperations: Number(values.warmup) }),
    cacheTtlMs: Number(values['cache-ttl-ms']),
    ...(values['stale-if-error-ms'] === undefined ? {} : { staleIfErrorMs: Number(values['stale-if-error-ms']) }),
  };
  try {
    validSoakSettings(options);
  } catch (error) {
    refuseCommandLine(SOAK, (error as Error).message);
  }
  if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('note: run node with --expose-gc for a meaningful RSS check (npm run soak does)\n');
  const report = await runSoak({ ...options, logger: createLogger({ level: values['log-level'], destination: destination(2) }) });
  process.stdout.write(`${formatSoakReport(report)}\n`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(realpathSync(invokedPath)).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`soak could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
