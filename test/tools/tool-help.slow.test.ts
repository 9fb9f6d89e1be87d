/**
 * Every command a person runs from package.json (and the profile summary the bench's
 * --cpu-prof points to) answers --help with its usage and exit 0, and a flag it does not
 * know with a clear message, its usage and exit 2: never a stack trace. Each starts a
 * process that loads its whole tool through tsx, hence the slow suite.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, type ToolRun, runTool } from '../support/run-tool.js';

/** The part of a script that runs our own code: after the last `&&` (bench builds first, which --help need not wait for). */
const ownPart = (script: string) => script.split('&&').at(-1)!.trim();

/** Scripts that run a file of tools/ or src/cli/, as [name, command]. */
async function toolScripts(): Promise<Array<[string, string]>> {
  const { scripts } = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return Object.entries(scripts)
    .map(([name, script]): [string, string] => [name, ownPart(script)])
    .filter(([, command]) => /(^|\s)(tools|src\/cli)\/\S+\.ts\b/.test(command));
}

const PROFILE_SUMMARY = 'node --import tsx tools/bench/profile-summary.ts';
const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;

let tools: Array<[string, string]>;
const help = new Map<string, ToolRun>();
const unknownFlag = new Map<string, ToolRun>();

beforeAll(async () => {
  tools = [...(await toolScripts()), ['profile-summary', PROFILE_SUMMARY]];
  // All at once: each run mostly waits on loading its modules.
  const runs = await Promise.all(tools.flatMap(([, command]) => [runTool(`${command} --help`), runTool(`${command} --no-such-flag`)]));
  tools.forEach(([name], index) => {
    help.set(name, runs[2 * index]!);
    unknownFlag.set(name, runs[2 * index + 1]!);
  });
}, 300_000);

describe('the tools a person runs', () => {
  it('are every package.json script that runs a file of tools/ or src/cli/', () => {
    expect(tools.map(([name]) => name).sort()).toEqual(['authorizers', 'bench', 'bench:footprint', 'build', 'profile-summary', 'schema:check', 'schema:write', 'simulator', 'soak', 'supergraph']);
  });

  it('include every file of tools/ that can be run on its own (a shebang)', async () => {
    const files = (await readdir(join(REPOSITORY_ROOT, 'tools'), { recursive: true })).filter((file) => file.endsWith('.ts'));
    const shebangs = [];
    for (const file of files) if ((await readFile(join(REPOSITORY_ROOT, 'tools', file), 'utf8')).startsWith('#!')) shebangs.push(`tools/${file}`);
    expect(shebangs.filter((file) => !tools.some(([, command]) => command.includes(file)))).toEqual([]);
  });

  it('answer --help with their usage on stdout and exit 0', () => {
    for (const [name] of tools) {
      const run = help.get(name)!;
      expect({ name, code: run.code, stderr: run.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(run.stdout, name).toMatch(/^usage:/);
      expect(run.stdout, name).toContain(name === 'profile-summary' ? 'tools/bench/profile-summary.ts' : `npm run ${name}`);
    }
  });

  it('answer an unknown flag with what was wrong and their usage, exit 2, and no stack trace', () => {
    for (const [name] of tools) {
      const run = unknownFlag.get(name)!;
      expect({ name, code: run.code, stdout: run.stdout }).toEqual({ name, code: 2, stdout: '' });
      expect(run.stderr, name).toContain("Unknown option '--no-such-flag'");
      expect(run.stderr, name).toContain('usage:');
      expect(run.stderr, name).not.toMatch(stackTrace);
    }
  });
});
