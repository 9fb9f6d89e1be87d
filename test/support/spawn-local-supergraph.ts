/** Runs `npm run supergraph` (tools/local-supergraph.ts) in its own Node process and reads what it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SpawnedSubgraph } from './spawn-subgraph.js';
import { captureOutput } from './suite-capture.js';

const LOCAL_SUPERGRAPH = fileURLToPath(new URL('../../tools/local-supergraph.ts', import.meta.url));

/** `env` replaces the environment (PATH and HOME are kept), so the test's NODE_ENV does not leak in. Read it with waitForOutput. */
export function spawnLocalSupergraph(env: Record<string, string>): SpawnedSubgraph {
  const child = spawn(process.execPath, ['--import', 'tsx', LOCAL_SUPERGRAPH], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      captureOutput(output);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}
