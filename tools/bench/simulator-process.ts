/**
 * The bench's handle on the simulator child (simulator-main.ts): start it, ask it how many
 * upstream calls it has received, wait until calls stop arriving, stop it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export type SimulatorRequest = { kind: 'count'; id: number };
export type SimulatorMessage = { kind: 'ready'; url: string } | { kind: 'count'; id: number; getEnvInfo: number; other: number };

export interface UpstreamCount {
  /** POST /tcb/getenvinfo calls. */
  readonly getEnvInfo: number;
  /** Anything else (token endpoints): with fixed tokens, always 0. */
  readonly other: number;
}

const MAIN = fileURLToPath(new URL('./simulator-main.ts', import.meta.url));

export class SimulatorProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (count: UpstreamCount) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (message: SimulatorMessage) => {
      if (message.kind !== 'count') return;
      this.pending.get(message.id)?.({ getEnvInfo: message.getEnvInfo, other: message.other });
      this.pending.delete(message.id);
    });
  }

  static async start(options: { latencyMs: number; groups: number }): Promise<SimulatorProcess> {
    const child = fork(MAIN, ['--latency', String(options.latencyMs), '--groups', String(options.groups)], {
      execArgv: ['--import', 'tsx'],
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<string>((resolve, reject) => {
      child.on('message', (message: SimulatorMessage) => message.kind === 'ready' && resolve(message.url));
      child.once('exit', (code) => reject(new Error(`the WeChat simulator process exited (code ${code}) before it was ready; see its output above`)));
    });
    return new SimulatorProcess(child, await ready);
  }

  /** Calls received so far. */
  count(): Promise<UpstreamCount> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ kind: 'count', id } satisfies SimulatorRequest);
    });
  }

  /**
   * Resolves with the count once no call has arrived for `quietMs`: operations a load
   * generator gave up on at the end of a run still finish on the server, and their calls
   * belong to that run.
   */
  async settledCount(quietMs = 300, timeoutMs = 30_000): Promise<UpstreamCount> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.count();
    let quietSince = Date.now();
    while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
      await sleep(50);
      const now = await this.count();
      if (now.getEnvInfo !== last.getEnvInfo || now.other !== last.other) quietSince = Date.now();
      last = now;
    }
    return last;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
