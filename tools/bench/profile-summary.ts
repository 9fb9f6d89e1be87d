/**
 * Where a server's CPU went, from the profile `npm run bench -- --cpu-prof` writes per
 * server: self time by package (or our own source folder) and the costliest functions.
 */
import { readFile } from 'node:fs/promises';
import { numberFlag, readCommandLine, refuseCommandLine } from '../command-line.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  readonly name: string;
  /** Share of all samples, 0 to 1. */
  readonly share: number;
}

/** What a frame's URL belongs to: an npm package, a folder of ours, node internals, or idle/GC. */
function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged) return packaged[1]!;
  const ours = /\/(?:dist|src)\/(.+?)\/?[^/]*$/.exec(url);
  if (ours) return `ours: ${ours[1] || '.'}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export function summarizeProfile(profile: CpuProfile, top: number): { byOwner: ProfileShare[]; byFunction: ProfileShare[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfTime.values()].reduce((sum, time) => sum + time, 0);
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)!.callFrame;
    const owner = ownerOf(frame);
    owners.set(owner, (owners.get(owner) ?? 0) + time);
    const where = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + time);
  }
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: time / total }));
  return { byOwner: ranked(owners), byFunction: ranked(functions) };
}

const PROFILE_SUMMARY = {
  name: 'profile-summary',
  usage: `usage: node --import tsx tools/bench/profile-summary.ts <file.cpuprofile>… [--top 25]

Self time by package (or folder of ours) and the --top costliest functions of each CPU
profile, e.g. benchmarks/profiles/subgraph-nocache.cpuprofile from npm run bench -- --cpu-prof.`,
};

const { values, positionals } = readCommandLine({ ...PROFILE_SUMMARY, allowPositionals: true, options: { top: { type: 'string' } } });
const top = numberFlag(PROFILE_SUMMARY, 'top', values.top, 25, { whole: true, min: 1 });
if (positionals.length === 0) refuseCommandLine(PROFILE_SUMMARY, 'names no profile to summarize');
for (const file of positionals) {
  const profile = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as CpuProfile,
    (error: Error) => refuseCommandLine(PROFILE_SUMMARY, `cannot read ${file}: ${error.message}`),
  );
  const { byOwner, byFunction } = summarizeProfile(profile, top);
  const percent = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(`${file}\n  self time by owner:\n`);
  for (const { name, share } of byOwner) process.stdout.write(`  ${percent(share)}  ${name}\n`);
  process.stdout.write('  costliest functions (self time):\n');
  for (const { name, share } of byFunction) process.stdout.write(`  ${percent(share)}  ${name}\n`);
}
