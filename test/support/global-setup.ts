/**
 * Runs once around the whole suite: gives the tests a folder to capture outputs and
 * secrets into, and afterwards fails the run if any secret appears in any output —
 * every response, log line and process output the suite produced. It also stops any server
 * a test started that is still running (a worker killed before its own clean-up ran).
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
    stopLeftovers(read('processes.'));
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

/** Kills, by pid, each listed process that is still that program (a pid is never reused on a stranger). */
function stopLeftovers(listed: string): void {
  let stopped = 0;
  for (const line of listed.split('\n').filter(Boolean)) {
    const [pid, program] = line.split(' ') as [string, string];
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone, as it should be
    }
    if (!command.startsWith(program)) continue;
    process.kill(Number(pid), 'SIGKILL');
    stopped += 1;
  }
  if (stopped > 0) console.log(`stopped ${stopped} server process(es) a test had left running`);
}
