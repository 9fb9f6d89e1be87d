/**
 * Measures one round of one workload on one server: a probe (one operation alone, its
 * answer checked against the expected data and its WeChat calls counted), a warm-up, then
 * the timed autocannon run, with the upstream calls of the run counted once the server has
 * finished every operation the load generator sent, and the server's RSS before and after.
 * A run of several rounds alternates servers round by round (bench.ts) and combines each
 * server's rounds (combineRounds), so a machine that slows down for a minute slows every
 * server's rounds alike.
 */
import autocannon from 'autocannon';
import { isDeepStrictEqual } from 'node:util';
import { request } from 'undici';
import { isCleanAnswer, type Workload } from './bench-workloads.js';
import type { ServerProcess } from './server-process.js';
import type { SimulatorProcess } from './simulator-process.js';

export interface LoadSettings {
  readonly connections: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  /** Send the probe first (one operation alone, checked and its calls counted); the first round does. */
  readonly probe: boolean;
}

export interface Measurement {
  readonly connections: number;
  /** Operations answered with data and no error, per second of the timed run. */
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * The server's CPU time (user + system) over the timed run ÷ operations sent: what one
   * operation costs the server, which, unlike ops/s, holds still on a busy machine.
   */
  readonly cpuMsPerOp: number;
  /** getenvinfo calls of the probe: one operation alone, cold. */
  readonly callsPerOpAlone: number;
  /** getenvinfo calls of the timed run ÷ operations sent: what batching, single-flight and cache save under load. */
  readonly callsPerOpLoad: number;
  /** getenvinfo calls from the probe to the end of the timed run, and how long that took. */
  readonly totalCalls: number;
  readonly totalElapsedMs: number;
  readonly operationsSent: number;
  /** Operations that failed: HTTP errors, timeouts, or answers carrying errors. */
  readonly failedOperations: number;
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  /** Log lines (warnings and errors at LOG_LEVEL=warn) the server printed during the workload, and the last of them. */
  readonly serverLogLines: number;
  readonly lastServerLogLine: string | undefined;
  /** Timed runs these figures combine (see combineRounds). */
  readonly rounds: number;
}

export async function measureWorkload(workload: Workload, server: ServerProcess, simulator: SimulatorProcess, load: LoadSettings): Promise<Measurement> {
  const before = await simulator.settledCount();
  const linesBefore = server.linesPrinted;
  const rssStartBytes = await server.rssBytes();
  const started = Date.now();
  if (load.probe) await probe(workload, server);
  const afterProbe = await simulator.count();
  if (load.warmupSec > 0) await driveLoad(workload, server.url, load.connections, load.warmupSec);
  const runStart = await simulator.settledCount();
  const cpuStart = await server.cpuMs();
  const result = await driveLoad(workload, server.url, load.connections, load.durationSec);
  const runEnd = await simulator.settledCount();
  const cpuEnd = await server.cpuMs();
  const totalElapsedMs = Date.now() - started;
  const rssEndBytes = await server.rssBytes();

  const clean = result['2xx'] - result.mismatches;
  return {
    connections: load.connections,
    opsPerSec: clean / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerOp: result.requests.sent === 0 ? Number.NaN : (cpuEnd - cpuStart) / result.requests.sent,
    callsPerOpAlone: load.probe ? afterProbe.getEnvInfo - before.getEnvInfo : Number.NaN,
    callsPerOpLoad: result.requests.sent === 0 ? Number.NaN : (runEnd.getEnvInfo - runStart.getEnvInfo) / result.requests.sent,
    totalCalls: runEnd.getEnvInfo - before.getEnvInfo,
    totalElapsedMs,
    operationsSent: result.requests.sent,
    failedOperations: result.non2xx + result.errors + result.timeouts + result.mismatches,
    rssStartBytes,
    rssEndBytes,
    serverLogLines: server.linesPrinted - linesBefore,
    lastServerLogLine: server.linesPrinted > linesBefore ? server.recentOutput.trimEnd().split('\n').at(-1)?.slice(0, 400) : undefined,
    rounds: 1,
  };
}

/** The middle value, or the mean of the two middle ones. */
export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * One server's rounds of a workload as one measurement: rates and latencies are the
 * median round's (a round the machine slowed down for cannot drag them), counts are
 * summed, the probe is the first round's.
 */
export function combineRounds(rounds: readonly Measurement[]): Measurement {
  const [first, last] = [rounds[0]!, rounds.at(-1)!];
  const sum = (figure: (m: Measurement) => number) => rounds.reduce((total, m) => total + figure(m), 0);
  const operationsSent = sum((m) => m.operationsSent);
  return {
    connections: first.connections,
    opsPerSec: median(rounds.map((m) => m.opsPerSec)),
    p50Ms: median(rounds.map((m) => m.p50Ms)),
    p99Ms: median(rounds.map((m) => m.p99Ms)),
    cpuMsPerOp: median(rounds.map((m) => m.cpuMsPerOp)),
    callsPerOpAlone: first.callsPerOpAlone,
    callsPerOpLoad: operationsSent === 0 ? Number.NaN : sum((m) => m.callsPerOpLoad * m.operationsSent) / operationsSent,
    totalCalls: sum((m) => m.totalCalls),
    totalElapsedMs: sum((m) => m.totalElapsedMs),
    operationsSent,
    failedOperations: sum((m) => m.failedOperations),
    rssStartBytes: first.rssStartBytes,
    rssEndBytes: last.rssEndBytes,
    serverLogLines: sum((m) => m.serverLogLines),
    lastServerLogLine: rounds.findLast((m) => m.lastServerLogLine !== undefined)?.lastServerLogLine,
    rounds: sum((m) => m.rounds),
  };
}

/** Sends the probe operation alone and fails loudly unless the answer is exactly the expected data. */
async function probe(workload: Workload, server: ServerProcess): Promise<void> {
  const response = await request(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: workload.probeBody });
  const text = await response.body.text();
  let answer: { data?: unknown; errors?: unknown };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error(`${server.label} answered the ${workload.title} probe with HTTP ${response.statusCode} and no JSON: ${text.slice(0, 500)}`);
  }
  if (response.statusCode !== 200 || answer.errors !== undefined || !isDeepStrictEqual(answer.data, workload.probeData)) {
    throw new Error(
      `${server.label} answered the ${workload.title} probe wrongly (HTTP ${response.statusCode}); every server must return the same data.\n` +
        `got: ${text.slice(0, 1_000)}\nexpected data: ${JSON.stringify(workload.probeData).slice(0, 1_000)}\nserver output:\n${server.recentOutput}`,
    );
  }
}

/** autocannon over loopback; operations take the workload's bodies in turn, across all connections. */
export function driveLoad(workload: Pick<Workload, 'bodies'>, url: string, connections: number, durationSec: number, isClean = isCleanAnswer): Promise<autocannon.Result> {
  let next = 0;
  const body = () => {
    const chosen = workload.bodies[next % workload.bodies.length]!;
    next += 1;
    return chosen;
  };
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    pipelining: 1,
    duration: durationSec,
    timeout: 30,
    requests: workload.bodies.length === 1 ? [{ body: workload.bodies[0]! }] : [{ setupRequest: (request) => ({ ...request, body: body() }) }],
    verifyBody: (answer) => typeof answer === 'string' && isClean(answer),
  });
}

/** What the simulated WeChat alone answers in, at a given concurrency: the floor under every server's latency. */
export interface UpstreamLatency {
  readonly connections: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** getenvinfo called straight from here, no server in between, at `connections` for `durationSec`. */
export async function measureUpstream(simulatorUrl: string, accessToken: string, connections: number, durationSec: number): Promise<UpstreamLatency> {
  const url = `${simulatorUrl}/tcb/getenvinfo?access_token=${encodeURIComponent(accessToken)}`;
  const result = await driveLoad({ bodies: ['{}'] }, url, connections, durationSec, (answer) => answer.startsWith('{"errcode":0,'));
  if (result.mismatches + result.non2xx + result.errors > 0) throw new Error(`the simulator failed ${result.mismatches + result.non2xx + result.errors} direct getenvinfo calls`);
  return { connections, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}
