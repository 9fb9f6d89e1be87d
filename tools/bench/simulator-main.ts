/**
 * The benchmark's WeChat, in a process of its own so its work never shares an event loop
 * with a server being measured: the simulator seeded with the bench world, answering every
 * call after a fixed latency. Started by simulator-process.ts over an IPC channel: it sends
 * `{ kind: 'ready', url }`, and answers each `{ kind: 'count', id }` with the getenvinfo
 * (and any other) calls received so far.
 *
 * argv: --latency <ms> --groups <n>
 */
import { parseArgs } from 'node:util';
import { GET_ENV_INFO_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { buildBenchWorld } from './bench-world.js';
import type { SimulatorMessage, SimulatorRequest } from './simulator-process.js';

const { values } = parseArgs({ options: { latency: { type: 'string' }, groups: { type: 'string' } } });
const send = process.send?.bind(process);
if (!send) throw new Error('simulator-main.ts runs as a child of the bench (child_process.fork), with an IPC channel');

const world = buildBenchWorld({ groups: Number(values.groups) });
const simulator = new WechatSimulator({ authorizers: [...world.simulatorAuthorizers], latencyMs: Number(values.latency) });
const url = await simulator.start();

// The simulator records every request; folding the record into counts keeps this process small.
let getEnvInfo = 0;
let other = 0;
const fold = () => {
  for (const call of simulator.calls) {
    if (call.path === GET_ENV_INFO_PATH) getEnvInfo += 1;
    else other += 1;
  }
  simulator.resetCalls();
};
const folding = setInterval(fold, 250);

process.on('message', (message: SimulatorRequest) => {
  if (message.kind !== 'count') return;
  fold();
  send({ kind: 'count', id: message.id, getEnvInfo, other } satisfies SimulatorMessage);
});
process.on('disconnect', () => {
  clearInterval(folding);
  void simulator.stop().then(() => process.exit(0));
});
send({ kind: 'ready', url } satisfies SimulatorMessage);
