/**
 * The machine's Prometheus (Debian's `prometheus` package): `promtool` for the alert rules'
 * own checks and unit tests, and a private `prometheus` server on a spare loopback port for
 * the live check. Where a binary is missing its tests are skipped with one line saying how
 * to install it, unless REQUIRE_PROMETHEUS=1 (CI), where they fail instead.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { freePort } from './redis-server.js';

const required = process.env['REQUIRE_PROMETHEUS'] === '1';
const INSTALL = 'apt-get install -y prometheus (Debian/Ubuntu), or put promtool and prometheus on PATH';

const installed = (binary: string) => spawnSync(binary, ['--version'], { stdio: 'ignore' }).error === undefined;
const hasPromtool = installed('promtool');
const hasPrometheus = installed('prometheus');
const missing = [...(hasPromtool ? [] : ['promtool']), ...(hasPrometheus ? [] : ['prometheus'])].join(' and ');
if (missing && required) throw new Error(`REQUIRE_PROMETHEUS=1 but there is no ${missing} on PATH; ${INSTALL}`);
if (missing) console.warn(`Prometheus tests skipped: no ${missing} on PATH. To run them: ${INSTALL}.`);

/** `describe` when promtool is on PATH, `describe.skip` otherwise (never under REQUIRE_PROMETHEUS=1). */
export const describeWithPromtool = hasPromtool ? describe : describe.skip;
/** `describe` when a prometheus server can be started, `describe.skip` otherwise (never under REQUIRE_PROMETHEUS=1). */
export const describeWithPrometheus = hasPrometheus ? describe : describe.skip;

export interface PromtoolResult {
  readonly code: number;
  /** stdout and stderr together: promtool prints its findings to either. */
  readonly output: string;
}

/** Runs promtool with `args` in `cwd`; resolves with its exit code and output whatever the code. */
export function promtool(args: readonly string[], cwd: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
      if (code === undefined) reject(error ?? new Error('promtool ended without an exit code'));
      else resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A folder under the machine's temp dir, removed by the returned function. */
export async function temporaryFolder(label: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface PrometheusServerOptions {
  /** prometheus.yml, written into the server's own folder. */
  readonly config: string;
  /** Files beside it (rule files the config names), by file name. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A `prometheus` child with its own config, rules and TSDB in a temp folder, on a spare loopback port. */
export class PrivatePrometheus {
  private child: ChildProcess | undefined;
  private output = '';
  private folder: { path: string; remove(): Promise<void> } | undefined;
  url = '';

  /** Starts prometheus and resolves once /-/ready answers 200. */
  async start(options: PrometheusServerOptions, timeoutMs = 30_000): Promise<void> {
    if (this.child) throw new Error('prometheus is already running; stop() it first');
    this.folder = await temporaryFolder('prometheus');
    const configFile = join(this.folder.path, 'prometheus.yml');
    await writeFile(configFile, options.config);
    for (const [name, text] of Object.entries(options.files ?? {})) await writeFile(join(this.folder.path, name), text);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const args = [`--config.file=${configFile}`, `--storage.tsdb.path=${join(this.folder.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
    const child = spawn('prometheus', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk) => (this.output += String(chunk)));
    child.stderr!.on('data', (chunk) => (this.output += String(chunk)));
    const deadline = Date.now() + timeoutMs;
    while (!(await this.ready())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not become ready on ${this.url} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** What prometheus logged, for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** GET an API path (`/api/v1/…`) and return its `data`, failing on any status but success. */
  async api<T>(path: string, parameters: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.url);
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
    const response = await fetch(url);
    const body = (await response.json()) as { status: string; data: T; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path} ${JSON.stringify(parameters)}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** SIGTERM, then removes its folder; safe to call when it never started. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await this.folder?.remove();
    this.folder = undefined;
  }

  private async ready(): Promise<boolean> {
    try {
      return (await fetch(new URL('/-/ready', this.url))).status === 200;
    } catch {
      return false;
    }
  }
}
