/**
 * Measures one workload on one server: a probe (one operation alone, its answer checked
 * against the expected data and its WeChat calls counted), a warm-up, then the timed
 * autocannon run, with the upstream calls of the run counted once the server has finished
 * every operation the load generator sent, and the server's RSS before and after.
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
}

export async function measureWorkload(workload: Workload, server: ServerProcess, simulator: SimulatorProcess, load: LoadSettings): Promise<Measurement> {
  const before = await simulator.settledCount();
  const linesBefore = server.linesPrinted;
  const rssStartBytes = await server.rssBytes();
  const started = Date.now();
  await probe(workload, server);
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
    callsPerOpAlone: afterProbe.getEnvInfo - before.getEnvInfo,
    callsPerOpLoad: result.requests.sent === 0 ? Number.NaN : (runEnd.getEnvInfo - runStart.getEnvInfo) / result.requests.sent,
    totalCalls: runEnd.getEnvInfo - before.getEnvInfo,
    totalElapsedMs,
    operationsSent: result.requests.sent,
    failedOperations: result.non2xx + result.errors + result.timeouts + result.mismatches,
    rssStartBytes,
    rssEndBytes,
    serverLogLines: server.linesPrinted - linesBefore,
    lastServerLogLine: server.linesPrinted > linesBefore ? server.recentOutput.trimEnd().split('\n').at(-1)?.slice(0, 400) : undefined,
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
