/**
 * The operator's `npm run authorizers` CLI for tests: in this process through its command
 * function (fast), or as its own process exactly as an operator runs it. Everything it
 * prints is captured for the suite's secrets check.
 */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runAuthorizersCommand } from '../../src/cli/authorizers-command.js';
import { captureOutput } from './suite-capture.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in this process as the CLI would, with `env` as its whole environment. */
export async function cli(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runAuthorizersCommand(
    args,
    { stdin: Readable.from([stdin]), stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    env,
  );
  captureOutput(stdout, stderr);
  return { code, stdout, stderr };
}

/** The CLI as its own process, as an operator runs it; `env` replaces the environment (PATH and HOME are kept). */
export function spawnCli(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/authorizers.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdin.end(stdin);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      captureOutput(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
}
