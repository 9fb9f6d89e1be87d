/** Runs one of the project's command lines in a shell, as `npm run` would, and collects what it printed and how it exited. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ToolRun {
  readonly command: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `command` through `sh -c` in the repository, with node_modules/.bin first on PATH (what npm run gives a script). */
export function runTool(command: string): Promise<ToolRun> {
  const child = spawn('sh', ['-c', command], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: `${join(REPOSITORY_ROOT, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ command, code, stdout, stderr }));
  });
}
