/**
 * `npm run bench`: builds, then benchmarks this subgraph against its baselines and prints
 * one table, written to benchmarks/latest.json and benchmarks/latest.md (USAGE below says
 * every way to call it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { numberFlag, readCommandLine, refuseCommandLine } from '../command-line.js';
import { upstreamCallProblems } from './bench-check.js';
import type { BenchSettings } from './bench-report.js';
import { formatMarkdown, formatText } from './bench-table.js';
import { REPOSITORY_ROOT, SERVER_KEYS, type ServerKey } from './bench-servers.js';
import { CHECK_SETTINGS, FULL_SETTINGS, runBench } from './bench.js';
import { WORKLOAD_KEYS, type WorkloadKey } from './bench-workloads.js';
import { measureLogCost } from './log-cost.js';
import { measureResolverGlue } from './resolver-glue.js';
import { formatSoakRss, runSoakRss } from './soak-rss.js';

const USAGE = `usage:
  npm run bench -- [--duration 10] [--warmup 2] [--rounds 3] [--latency 20] [--connections 32]
                   [--hot-connections 64] [--ttl 3000] [--groups 64] [--upstream-connections 64]
                   [--servers subgraph,subgraph-no-swr,subgraph-nocache,unbatched,floor,floor-lean] [--workloads W1,W2,W3]
                   [--cpu-prof] [--cpu-prof-dir <dir>] [--source] [--out benchmarks]
  npm run bench -- --check            short CI variant; exits 1 unless upstream calls are exact
  npm run bench -- --soak-rss 60      W3 on this subgraph (or --servers <one>) for 60 s; RSS sampled, must stay flat
  npm run bench -- --log-cost         what the logger costs an operation, at info and warn
  npm run bench -- --resolver-glue    what type-graphql's resolver glue costs a field and an operation, in process
  npm run bench -- --help             this text

--source runs the subgraph from src/ through tsx instead of dist/; --cpu-prof writes a CPU
profile per server (to benchmarks/profiles, or --cpu-prof-dir).`;
const BENCH = { name: 'npm run bench', usage: USAGE };

const { values } = readCommandLine({
  ...BENCH,
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    latency: { type: 'string' },
    connections: { type: 'string' },
    'hot-connections': { type: 'string' },
    ttl: { type: 'string' },
    groups: { type: 'string' },
    'upstream-connections': { type: 'string' },
    servers: { type: 'string' },
    workloads: { type: 'string' },
    check: { type: 'boolean', default: false },
    'soak-rss': { type: 'string' },
    'log-cost': { type: 'boolean', default: false },
    'resolver-glue': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    source: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const usage = (problem: string): never => refuseCommandLine(BENCH, problem);
const number = (flag: keyof typeof values, fallback: number): number => numberFlag(BENCH, flag, values[flag] as string | undefined, fallback);

function list<T extends string>(flag: 'servers' | 'workloads', known: readonly T[], fallback: readonly T[]): readonly T[] {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !known.includes(name as T));
  if (unknown.length > 0 || names.length === 0) usage(`--${flag} takes a comma-separated list of ${known.join(', ')} (got "${raw}")`);
  return names as T[];
}

const base = values.check ? CHECK_SETTINGS : FULL_SETTINGS;
const settings: BenchSettings = {
  latencyMs: number('latency', base.latencyMs),
  durationSec: number('duration', base.durationSec),
  warmupSec: number('warmup', base.warmupSec),
  rounds: number('rounds', base.rounds),
  connections: number('connections', base.connections),
  hotConnections: number('hot-connections', base.hotConnections),
  cacheTtlMs: number('ttl', base.cacheTtlMs),
  groups: number('groups', base.groups),
  upstreamConnections: number('upstream-connections', base.upstreamConnections),
  servers: list<ServerKey>('servers', SERVER_KEYS, base.servers),
  workloads: list<WorkloadKey>('workloads', WORKLOAD_KEYS, base.workloads),
};
const subgraphEntry = values.source ? 'source' : 'dist';
const outDirectory = resolve(values.out ?? join(REPOSITORY_ROOT, 'benchmarks'));
const progress = (line: string) => process.stderr.write(`${line}\n`);

if (values['log-cost']) {
  process.stdout.write(`${measureLogCost()}\n`);
} else if (values['resolver-glue']) {
  process.stdout.write(`${await measureResolverGlue()}\n`);
} else if (values['soak-rss'] !== undefined) {
  if (settings.servers.length !== 1 && values.servers !== undefined) usage('--soak-rss runs one server: name it alone, e.g. --servers floor');
  const report = await runSoakRss({
    server: values.servers === undefined ? 'subgraph' : settings.servers[0]!,
    seconds: number('soak-rss', 60),
    warmupSec: number('warmup', 10),
    latencyMs: settings.latencyMs,
    connections: settings.connections,
    groups: settings.groups,
    cacheTtlMs: settings.cacheTtlMs,
    upstreamConnections: settings.upstreamConnections,
    subgraphEntry,
  });
  const text = formatSoakRss(report);
  process.stdout.write(`${text}\n`);
  await mkdir(outDirectory, { recursive: true });
  await writeFile(join(outDirectory, 'soak-rss.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDirectory, 'soak-rss.md'), `# RSS soak ${new Date().toISOString()}\n\n${text.split('\n').join('\n\n')}\n`);
  process.exitCode = report.flat ? 0 : 1;
} else {
  const cpuProfileDir = values['cpu-prof'] || values['cpu-prof-dir'] ? resolve(values['cpu-prof-dir'] ?? join(outDirectory, 'profiles')) : undefined;
  const report = await runBench({ ...settings, subgraphEntry, progress, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
  process.stdout.write(`\n${formatText(report, { targets: !values.check })}\n`);
  if (cpuProfileDir) process.stdout.write(`\nCPU profiles: ${cpuProfileDir}\n`);
  if (values.check) {
    const problems = upstreamCallProblems(report);
    if (problems.length > 0) {
      process.stderr.write(`\nbench --check failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('\nbench --check: upstream calls per operation are exact\n');
  } else {
    await mkdir(outDirectory, { recursive: true });
    await writeFile(join(outDirectory, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(outDirectory, 'latest.md'), formatMarkdown(report));
    process.stdout.write(`\nwritten: ${join(outDirectory, 'latest.json')}, ${join(outDirectory, 'latest.md')}\n`);
  }
}
