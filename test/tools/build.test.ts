/**
 * `npm run build` (which `npm start` runs first) compiles only what changed: tsc's build
 * mode with its build info in dist/, and a check for outputs deleted from dist/, which
 * the build info alone would miss. The compiler itself is not run here (CI builds first).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { missingOutputs } from '../../tools/build-outputs.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function tree(files: readonly string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'build-outputs-'));
  directories.push(root);
  for (const file of files) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), '');
  }
  return root;
}

describe('missingOutputs', () => {
  it('names each module and JSON file of src/ that dist/ lacks', async () => {
    const root = await tree(['src/main.ts', 'src/server/server.ts', 'src/simulator/demo.json', 'src/types.d.ts', 'dist/main.js']);
    expect(missingOutputs(root)).toEqual(['dist/server/server.js', 'dist/simulator/demo.json']);
  });

  it('finds nothing missing in a complete build', async () => {
    const root = await tree(['src/main.ts', 'src/server/server.ts', 'dist/main.js', 'dist/server/server.js']);
    expect(missingOutputs(root)).toEqual([]);
  });
});

describe('the build configuration', () => {
  it('builds in tsc build mode through the freshness check, keeping the build info in dist/', async () => {
    const scripts = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts['build']).toBe('node --import tsx tools/build.ts');
    expect(scripts['prestart']).toBe('npm run build');
    const options = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'tsconfig.build.json'), 'utf8')).compilerOptions;
    expect(options).toMatchObject({ incremental: true, tsBuildInfoFile: 'dist/.tsbuildinfo', outDir: 'dist' });
    expect(await readFile(join(REPOSITORY_ROOT, 'tools/build.ts'), 'utf8')).toMatch(/'--build', 'tsconfig\.build\.json'/);
  });
});
