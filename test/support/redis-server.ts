/**
 * A private `redis-server` child for tests that stop and restart Redis mid-run, which the
 * machine's shared Redis must never suffer. It keeps an append-only file in its own
 * directory, so what was written before a stop is there again after the restart; it can
 * also run as a sentinel. Every server still running when the test process exits is killed
 * by its pid. Where the binary is missing those tests are skipped with one line, unless
 * REQUIRE_REDIS=1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { describe } from 'vitest';
import { recordStartedProcess } from './suite-capture.js';

const BINARY = 'redis-server';
const required = process.env['REQUIRE_REDIS'] === '1';

const installed = spawnSync(BINARY, ['--version'], { stdio: 'ignore' }).error === undefined;
if (!installed) {
  if (required) throw new Error(`REQUIRE_REDIS=1 but there is no ${BINARY} on PATH to start a private Redis; install redis-server`);
  console.warn(`Redis outage tests skipped: no ${BINARY} on PATH. Install redis-server to run them.`);
}

/** Servers started and not yet stopped: killed by pid should the process end first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `describe` when a private redis-server can be started, `describe.skip` otherwise (never under REQUIRE_REDIS=1). */
export const describeWithRedisServer = installed ? describe : describe.skip;

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

/** Whether a Redis at this port answers PING with PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(String(chunk).startsWith('+PONG')));
  });
}

export interface PrivateRedisServerOptions {
  /** More redis-server arguments, after the defaults (which they override), e.g. ['--replicaof', '127.0.0.1', '6390']. */
  readonly args?: readonly string[];
  /** Run as a sentinel from this configuration file (which it rewrites as it learns the group). */
  readonly sentinelConfig?: string;
}

export class PrivateRedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly port: number,
    /** Where Redis keeps its append-only file; the same directory across restarts. */
    readonly directory: string,
    private readonly options: PrivateRedisServerOptions = {},
  ) {}

  /** The running server's process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a signal to the running server: SIGSTOP freezes it (a replica that stops acknowledging), SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child) throw new Error(`redis-server on port ${this.port} is not running`);
    this.child.kill(signal);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server and resolves once it answers PING. */
  async start(timeoutMs = 10_000): Promise<void> {
    if (this.child) throw new Error(`redis-server is already running on port ${this.port}; stop() it first`);
    const where = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.directory];
    const { sentinelConfig } = this.options;
    const args = sentinelConfig ? [sentinelConfig, '--sentinel', ...where] : [...where, '--save', '', '--appendonly', 'yes'];
    const child = spawn(BINARY, [...args, ...(this.options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    recordStartedProcess(child.pid, BINARY);
    child.once('exit', () => running.delete(child));
    child.stdout!.on('data', (chunk) => (this.output += String(chunk)));
    child.stderr!.on('data', (chunk) => (this.output += String(chunk)));
    const deadline = Date.now() + timeoutMs;
    while (!(await answersPing(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server on port ${this.port} did not answer PING within ${timeoutMs} ms:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: Redis crashes, writing nothing more. Resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, as an orchestrator stops Redis: it writes its append-only file and exits. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = once(child, 'exit') as Promise<[number | null]>;
    child.kill('SIGCONT'); // a frozen server cannot hear SIGTERM
    child.kill('SIGTERM');
    const [code] = await exited;
    return code;
  }
}
