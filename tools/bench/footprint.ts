/**
 * `npm run bench:footprint`: what a production process costs before it serves anything
 * heavy. Each server is started from compiled JavaScript in production mode against the
 * simulator (this subgraph as `npm start` runs it, from dist/; the hand-written floor,
 * baseline (b), compiled by tsc into dist-tools/ so neither carries a TypeScript loader),
 * timed until it answers /healthz, warmed up with a fixed number of operations, then its
 * RSS read. Servers alternate over several rounds; figures are each server's median.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { request } from 'undici';
import { numberFlag, readCommandLine } from '../command-line.js';
import { writeTemporaryAuthorizersFile } from '../simulated-wechat-env.js';
import { REPOSITORY_ROOT } from './bench-servers.js';
import { buildBenchWorld } from './bench-world.js';
import { buildWorkloads } from './bench-workloads.js';
import { ServerProcess } from './server-process.js';
import { SimulatorProcess } from './simulator-process.js';

const FOOTPRINT = {
  name: 'npm run bench:footprint',
  usage: `usage: npm run bench:footprint [-- --rounds 3 --operations 2000 --compare <another checkout, built>]

Starts this subgraph (from dist/, as npm start does) and the framework floor (b) against
the simulator, times each until /healthz answers, warms it up with --operations operations
and reads its RSS; --rounds rounds, each server's median printed. --compare adds the
subgraph built in another checkout.`,
};

const COMPILED_TOOLS = join(REPOSITORY_ROOT, 'dist-tools');
const FLOOR_MAIN = join(COMPILED_TOOLS, 'tools/bench/baseline-main.js');
/** The target: a production process's RSS after warm-up at most this many times the floor's. */
const RSS_TARGET = 1.15;
const READY_TARGET_MS = 2_000;

interface Footprint {
  readonly readyMs: number;
  /** CPU time spent getting ready: less at the mercy of a busy machine than the wall clock. */
  readonly readyCpuMs: number;
  readonly rssReadyBytes: number;
  readonly rssWarmBytes: number;
}

/** Compiles baseline-main.ts and what it imports (from src/ too) with tsc, as the product is built. */
function compileFloor(): void {
  const config = ts.getParsedCommandLineOfConfigFile(join(REPOSITORY_ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('tsconfig.json could not be read');
  rmSync(COMPILED_TOOLS, { recursive: true, force: true });
  const program = ts.createProgram([join(REPOSITORY_ROOT, 'tools/bench/baseline-main.ts')], {
    ...config.options,
    noEmit: false,
    rootDir: REPOSITORY_ROOT,
    outDir: COMPILED_TOOLS,
    sourceMap: false,
  });
  const { diagnostics } = program.emit();
  if (diagnostics.length > 0 || !existsSync(FLOOR_MAIN)) throw new Error(`compiling the floor failed: ${ts.formatDiagnostics(diagnostics, ts.createCompilerHost({}))}`);
}

/** Sends `operations` operations, `concurrency` at a time, rotating over `bodies`; every answer must carry data. */
async function warmUp(url: string, bodies: readonly string[], operations: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < operations) {
      const body = bodies[next % bodies.length]!;
      next += 1;
      const answer = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await answer.body.json()) as { data?: unknown; errors?: unknown };
      if (answer.statusCode !== 200 || json.errors !== undefined) throw new Error(`${url} answered a warm-up operation with ${answer.statusCode}: ${JSON.stringify(json).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { values } = readCommandLine({ ...FOOTPRINT, options: { rounds: { type: 'string' }, operations: { type: 'string' }, compare: { type: 'string' } } });
  const rounds = numberFlag(FOOTPRINT, 'rounds', values.rounds, 3, { whole: true, min: 1 });
  const operations = numberFlag(FOOTPRINT, 'operations', values.operations, 2000, { whole: true, min: 1 });
  if (!existsSync(join(REPOSITORY_ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run npm run build first (npm run bench:footprint does)');
  process.stdout.write('compiling baseline (b) into dist-tools/\n');
  compileFloor();

  const world = buildBenchWorld({ groups: 16 });
  const workloads = buildWorkloads(world);
  const bodies = [...workloads.W1.bodies, ...workloads.W3.bodies];
  const authorizersFile = await writeTemporaryAuthorizersFile(world.authorizersFile);
  const simulator = await SimulatorProcess.start({ latencyMs: 5, groups: 16 });
  const env = { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true', LOG_LEVEL: 'warn', WECHAT_API_BASE_URL: simulator.url, AUTHORIZERS_FILE: authorizersFile.path, WECHAT_MAX_CONNECTIONS: '64' };
  const servers: Record<string, { label: string; nodeArgs: string[] }> = {
    subgraph: { label: 'this subgraph (npm start)', nodeArgs: ['--import', './dist/telemetry.js', 'dist/main.js'] },
    floor: { label: '(b) framework floor', nodeArgs: [FLOOR_MAIN] },
  };
  if (values.compare !== undefined) {
    const root = values.compare;
    servers['compared'] = { label: `this subgraph built at ${root}`, nodeArgs: ['--import', join(root, 'dist/telemetry.js'), join(root, 'dist/main.js')] };
  }
  const figures: Record<string, Footprint[]> = Object.fromEntries(Object.keys(servers).map((key) => [key, []]));
  try {
    for (let round = 1; round <= rounds; round += 1) {
      for (const [key, server_] of Object.entries(servers)) {
        const started = performance.now();
        const server = await ServerProcess.start({ ...server_, env, cwd: REPOSITORY_ROOT });
        try {
          const readyMs = performance.now() - started;
          const readyCpuMs = await server.cpuMs();
          const rssReadyBytes = await server.rssBytes();
          await warmUp(server.url, bodies, operations, 8);
          const rssWarmBytes = await server.rssBytes();
          figures[key]!.push({ readyMs, readyCpuMs, rssReadyBytes, rssWarmBytes });
          process.stdout.write(
            `round ${round}, ${server_.label}: ready in ${readyMs.toFixed(0)} ms (${readyCpuMs.toFixed(0)} ms CPU), RSS ${megabytes(rssReadyBytes)} ready, ${megabytes(rssWarmBytes)} after ${operations} operations\n`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await simulator.stop();
    await authorizersFile.remove();
  }

  const summary = (key: string): Footprint => {
    const of = (figure: keyof Footprint) => median(figures[key]!.map((f) => f[figure]));
    return { readyMs: of('readyMs'), readyCpuMs: of('readyCpuMs'), rssReadyBytes: of('rssReadyBytes'), rssWarmBytes: of('rssWarmBytes') };
  };
  const ours = summary('subgraph');
  const floor = summary('floor');
  const ratio = ours.rssWarmBytes / floor.rssWarmBytes;
  const row = (label: string, f: Footprint) => `| ${label} | ${f.readyMs.toFixed(0)} | ${f.readyCpuMs.toFixed(0)} | ${megabytes(f.rssReadyBytes)} | ${megabytes(f.rssWarmBytes)} |`;
  process.stdout.write(
    [
      '',
      `Median of ${rounds} rounds; warm-up: ${operations} operations (W1 fan-out and W3 single, 8 at a time); node ${process.version}`,
      '',
      '| server | ready ms | CPU ms to ready | RSS ready | RSS after warm-up |',
      '|---|---:|---:|---:|---:|',
      ...Object.entries(servers).map(([key, { label }]) => row(label, summary(key))),
      '',
      `${ratio <= RSS_TARGET ? '✓' : '✗'} RSS after warm-up ≤ ${RSS_TARGET}× the floor's: ${ratio.toFixed(2)}×`,
      `${ours.readyMs < READY_TARGET_MS ? '✓' : '✗'} ready in under ${READY_TARGET_MS} ms: ${ours.readyMs.toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
}

await main().catch((error: unknown) => {
  process.stderr.write(`${FOOTPRINT.name}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
