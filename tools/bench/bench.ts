/**
 * One benchmark run: the simulator in its own process, each server in its own process,
 * and the load generator (autocannon) here; nothing is measured in the process that
 * generates the load. Every workload is measured on every server, one at a time.
 */
import { cpus } from 'node:os';
import { CHECKED_SERVERS } from './bench-check.js';
import { SERVER_KEYS, SERVER_LABELS, startServer, type ServerKey } from './bench-servers.js';
import type { BenchReport, BenchSettings, WorkloadReport } from './bench-report.js';
import { writeTemporaryAuthorizersFile } from '../simulated-wechat-env.js';
import { buildBenchWorld } from './bench-world.js';
import { buildWorkloads, WORKLOAD_KEYS } from './bench-workloads.js';
import { combineRounds, type Measurement, measureUpstream, measureWorkload, type UpstreamLatency } from './measure-workload.js';
import type { ServerProcess } from './server-process.js';
import { SimulatorProcess } from './simulator-process.js';

/** `npm run bench`: the full run. */
export const FULL_SETTINGS: BenchSettings = Object.freeze({
  latencyMs: 20,
  durationSec: 10,
  warmupSec: 2,
  // Alternating servers round by round keeps a machine's slow minute from landing on one server only.
  rounds: 3,
  connections: 32,
  hotConnections: 64,
  cacheTtlMs: 3_000,
  // More W1 groups than connections, so concurrent operations never share an authorizer.
  groups: 64,
  upstreamConnections: 64,
  servers: SERVER_KEYS,
  workloads: WORKLOAD_KEYS,
});

/** `npm run bench -- --check`: short, for CI, where only the upstream call counts are held to a number. */
export const CHECK_SETTINGS: BenchSettings = Object.freeze({
  ...FULL_SETTINGS,
  // Whole seconds: autocannon rounds a run up to its next one-second sample anyway.
  durationSec: 1,
  warmupSec: 0,
  rounds: 1,
  connections: 8,
  hotConnections: 16,
  // Short enough that W2's answer expires a few times within the run.
  cacheTtlMs: 500,
  groups: 16,
  servers: CHECKED_SERVERS,
});

export interface BenchOptions extends BenchSettings {
  /** `dist` (node dist/main.js, built first) or `source` (node --import tsx src/main.ts). */
  readonly subgraphEntry: 'dist' | 'source';
  /** Write a CPU profile per server (node --cpu-prof) into this folder. */
  readonly cpuProfileDir?: string;
  /** Progress lines; default none. */
  readonly progress?: (line: string) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  validate(options);
  const progress = options.progress ?? (() => undefined);
  const world = buildBenchWorld({ groups: options.groups });
  const workloads = buildWorkloads(world);
  const authorizersFile = await writeTemporaryAuthorizersFile(world.authorizersFile);
  const simulator = await SimulatorProcess.start({ latencyMs: options.latencyMs, groups: options.groups });
  const reports: WorkloadReport[] = options.workloads.map((key) => ({
    key,
    title: workloads[key].title,
    description: workloads[key].description,
    results: {},
  }));
  const servers = new Map<ServerKey, ServerProcess>();
  let upstream: UpstreamLatency | undefined;
  try {
    progress(`measuring the simulator alone at ${options.connections} connections`);
    upstream = await measureUpstream(simulator.url, world.simulatorAuthorizers[0]!.accessToken!, options.connections, Math.min(5, options.durationSec));
    // All servers up at once, then each workload on each in turn: what a busy machine does
    // to one server's numbers it does to its neighbours' in the table too.
    progress(`starting ${options.servers.map((key) => SERVER_LABELS[key]).join(', ')}`);
    // allSettled: when one fails to start, the others are in `servers` before it is stopped.
    const started = await Promise.allSettled(
      options.servers.map(async (key) => {
        const server = await startServer(key, {
          simulatorUrl: simulator.url,
          authorizersFile: authorizersFile.path,
          cacheTtlMs: options.cacheTtlMs,
          upstreamConnections: options.upstreamConnections,
          subgraphEntry: options.subgraphEntry,
          cpuProfileDir: options.cpuProfileDir,
        });
        servers.set(key, server);
      }),
    );
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const report of reports) {
      const connections = report.key === 'W2' ? options.hotConnections : options.connections;
      const rounds = new Map<ServerKey, Measurement[]>(options.servers.map((key) => [key, []]));
      for (let round = 1; round <= options.rounds; round += 1) {
        for (const key of options.servers) {
          const of = options.rounds > 1 ? ` (round ${round} of ${options.rounds})` : '';
          progress(`  ${report.title} on ${SERVER_LABELS[key]}${of}: ${options.warmupSec} s warm-up, ${options.durationSec} s at ${connections} connections`);
          const measured = await measureWorkload(workloads[report.key], servers.get(key)!, simulator, {
            connections,
            durationSec: options.durationSec,
            warmupSec: options.warmupSec,
            probe: round === 1,
          });
          rounds.get(key)!.push(measured);
        }
      }
      for (const [key, measured] of rounds) (report.results as Record<ServerKey, Measurement>)[key] = combineRounds(measured);
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await simulator.stop();
    await authorizersFile.remove();
  }
  const { cpuProfileDir: _profiles, progress: _progress, subgraphEntry: _entry, ...settings } = options;
  return {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown' },
    settings,
    upstream,
    workloads: reports,
  };
}

function validate(options: BenchOptions): void {
  const atLeast = (name: keyof BenchSettings, min: number, whole = true) => {
    const value = options[name] as number;
    if (typeof value !== 'number' || !(value >= min) || (whole && !Number.isInteger(value))) {
      throw new RangeError(`runBench: ${name} must be ${whole ? 'a whole number' : 'a number'} of at least ${min} (got ${value})`);
    }
  };
  atLeast('latencyMs', 0);
  atLeast('durationSec', 0.5, false);
  atLeast('warmupSec', 0, false);
  atLeast('rounds', 1);
  atLeast('connections', 1);
  atLeast('hotConnections', 1);
  atLeast('cacheTtlMs', 1);
  atLeast('groups', 1);
  atLeast('upstreamConnections', 1);
  if (options.servers.length === 0) throw new RangeError('runBench: name at least one server');
  if (options.workloads.length === 0) throw new RangeError('runBench: name at least one workload');
}
