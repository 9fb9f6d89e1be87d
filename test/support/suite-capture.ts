/**
 * Suite-wide evidence for the secrets check: every response body, every log line and
 * process output the tests produce, and every secret in play (file tokens, minted tokens,
 * component secrets), appended to files in one folder per run. The global teardown
 * (test/support/global-setup.ts) searches the former for the latter. Servers the tests
 * start are listed there too, so that teardown can stop any a killed worker left behind.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    suiteCaptureDir: string;
  }
}

let directory: string | undefined;
function folder(): string | undefined {
  try {
    directory ??= inject('suiteCaptureDir');
  } catch {
    return undefined; // outside vitest (e.g. a script reusing test support)
  }
  return directory;
}

function append(file: string, lines: readonly string[]): void {
  const dir = folder();
  if (!dir || lines.length === 0) return;
  appendFileSync(join(dir, `${file}.${process.pid}.log`), `${lines.join('\n')}\n`);
}

/** A response body, a log line, a process's output: anything a client or operator could read. */
export function captureOutput(...texts: string[]): void {
  append('output', texts.map((text) => text.replaceAll('\n', '\\n')));
}

/** Values that must never appear in any captured output. */
export function registerSecrets(...secrets: Array<string | undefined>): void {
  append('secrets', secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8));
}

/** A server process a test started (by pid, with its program's name): stopped by the global teardown if still running then. */
export function recordStartedProcess(pid: number | undefined, program: string): void {
  if (pid !== undefined) append('processes', [`${pid} ${program}`]);
}
