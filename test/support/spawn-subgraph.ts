/** Runs `src/main.ts` in its own Node process, as `npm start` would, and reads what it prints. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureOutput } from './suite-capture.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface SpawnedSubgraph {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code once the process ends. */
  readonly exited: Promise<number | null>;
}

/**
 * `env` replaces the environment entirely (PATH and HOME are kept), so the test's NODE_ENV
 * does not leak in; `preload`, a module of test/support/ loaded first (a fault to inject).
 */
export function spawnSubgraph(env: Record<string, string>, preload?: string): SpawnedSubgraph {
  const preloads = preload === undefined ? [] : ['--import', fileURLToPath(new URL(preload, import.meta.url))];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preloads, MAIN], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      captureOutput(output);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/**
 * Waits until the output matches `pattern`; rejects with the output so far if the process
 * exits or time runs out. Generous by default: a process that loads the whole stack through
 * tsx takes many seconds to start on a busy two-core machine.
 */
export async function waitForOutput(spawned: SpawnedSubgraph, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(spawned.output());
    if (match) return match;
    if (exited || Date.now() > deadline) throw new Error(`no ${pattern} in the subgraph's output:\n${spawned.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
