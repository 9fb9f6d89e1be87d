/**
 * Runs once around the whole suite: gives the tests a folder to capture outputs and
 * secrets into, and afterwards fails the run if any secret appears in any output —
 * every response, log line and process output the suite produced.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject) {
  const directory = mkdtempSync(join(tmpdir(), 'suite-capture-'));
  project.provide('suiteCaptureDir', directory);
  return () => {
    const read = (prefix: string) =>
      readdirSync(directory)
        .filter((file) => file.startsWith(prefix))
        .map((file) => readFileSync(join(directory, file), 'utf8'))
        .join('\n');
    const output = read('output.');
    const secrets = new Set(read('secrets.').split('\n').filter(Boolean));
    rmSync(directory, { recursive: true, force: true });
    const leaked = [...secrets].filter((secret) => output.includes(secret));
    console.log(`secrets check: ${secrets.size} secrets searched for in ${output.length} characters of responses, logs and process output`);
    if (leaked.length > 0) {
      process.exitCode = 1;
      throw new Error(`secrets leaked into responses or logs: ${leaked.map((secret) => `${secret.slice(0, 4)}…`).join(', ')}`);
    }
  };
}
