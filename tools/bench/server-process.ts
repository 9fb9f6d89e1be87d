/**
 * One server under test in its own Node process, on a port the bench picks: started,
 * waited for (GET /healthz), its RSS and CPU time read from /proc, stopped with SIGTERM
 * so a CPU profile (node --cpu-prof) gets written on the way out.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface ServerProcessOptions {
  /** For messages, e.g. "baseline (b)". */
  readonly label: string;
  /** Arguments to node, entry file included. */
  readonly nodeArgs: readonly string[];
  /** The whole environment (PATH and HOME are added); PORT and HOST are set by the bench. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** The last bytes a server printed, for the message when it fails. */
const OUTPUT_KEPT = 16_384;

export class ServerProcess {
  private output = '';
  /** Lines printed so far: at LOG_LEVEL=warn, each one is a warning or an error. */
  private lines = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
    /** e.g. http://127.0.0.1:40123/graphql */
    readonly url: string,
  ) {}

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [...options.nodeArgs], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, options.label, `http://127.0.0.1:${port}/graphql`);
    // Read continuously: a full pipe would block the server mid-benchmark.
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      server.output = (server.output + text).slice(-OUTPUT_KEPT);
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) server.lines += 1;
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await server.waitUntilHealthy(`http://127.0.0.1:${port}/healthz`);
    return server;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** How many lines the server has printed. */
  get linesPrinted(): number {
    return this.lines;
  }

  /** What the server printed lately. */
  get recentOutput(): string {
    return this.output;
  }

  /** Resident set size in bytes, from /proc (Linux); NaN where that is not available. */
  async rssBytes(): Promise<number> {
    try {
      const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
      const kilobytes = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kilobytes === undefined ? Number.NaN : Number(kilobytes) * 1024;
    } catch {
      return Number.NaN;
    }
  }

  /** CPU time the server has used so far (user + system), in milliseconds, from /proc (Linux); NaN elsewhere. */
  async cpuMs(): Promise<number> {
    try {
      const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name, which may itself hold spaces: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond();
    } catch {
      return Number.NaN;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  private async waitUntilHealthy(healthUrl: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.label} exited (code ${this.child.exitCode}) before it answered ${healthUrl}:\n${this.output}`);
      }
      try {
        const { statusCode, body } = await request(healthUrl);
        await body.dump();
        if (statusCode === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${this.label} did not answer ${healthUrl} within ${timeoutMs} ms:\n${this.output}`);
      }
      await sleep(100);
    }
  }
}

let clockTicks: number | undefined;
/** The unit of /proc/PID/stat's times (USER_HZ): 100 on every common Linux. */
function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** A port nothing listens on right now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('could not read the port of a probe socket');
  return address.port;
}
