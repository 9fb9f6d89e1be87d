/**
 * `npm run simulator`: the WeChat simulator in a process of its own, for what the demo
 * refuses. What it prints points a subgraph at it, with Redis; with --push-to it pushes
 * its ticket to that subgraph's receiver, which then serves the demo's merchants.
 * Slow (a process of its own), so it runs in `npm run test:slow`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, DEMO_COMPONENT_EVENTS } from '../../src/simulator/index.js';
import { simulatedWechatEnv } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { freePort } from '../support/redis-server.js';
import { registerSecrets } from '../support/suite-capture.js';

registerSecrets(DEMO_COMPONENT.appSecret, DEMO_COMPONENT.verifyTicket, DEMO_COMPONENT_EVENTS.messageToken, DEMO_COMPONENT_EVENTS.encodingAesKey);

const TOOL = fileURLToPath(new URL('../../tools/simulator.ts', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

/** Runs the tool; resolves with its output so far once `until` matches it (or with everything once it exits). */
function runTool(args: string[], until?: RegExp): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', TOOL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  return new Promise((resolve) => {
    const read = (chunk: Buffer) => {
      output += String(chunk);
      if (until?.test(output)) resolve({ output, code: null });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => resolve({ output, code }));
  });
}

describe('npm run simulator', () => {
  it('says how to use it with --help, and refuses a bad option naming it', { timeout: 60_000 }, async () => {
    const help = await runTool(['--help']);
    expect(help).toMatchObject({ code: 0, output: expect.stringMatching(/^usage: npm run simulator -- \[--port <port>\]/) });
    const bad = await runTool(['--port', 'many']);
    expect(bad).toMatchObject({ code: 2, output: expect.stringContaining('--port must be a port number from 0 to 65535, got "many"') });
  });
});

describeWithRedis('npm run simulator and a subgraph outside the demo', () => {
  it('prints the variables that point a subgraph with Redis at it, and pushes its ticket to that subgraph\'s receiver', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('simulator-command');
    const [simulatorPort, subgraphPort] = [await freePort(), await freePort()];
    // What the tool will print, but the ticket: that one comes from its push, as from WeChat.
    const expected = {
      ...simulatedWechatEnv(`http://127.0.0.1:${simulatorPort}`, DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT),
      WECHAT_COMPONENT_MESSAGE_TOKEN: DEMO_COMPONENT_EVENTS.messageToken,
      WECHAT_COMPONENT_ENCODING_AES_KEY: DEMO_COMPONENT_EVENTS.encodingAesKey,
    };
    const config = loadConfig({
      ...expected,
      WECHAT_COMPONENT_VERIFY_TICKET: '',
      REDIS_URL: REDIS_TEST_URL,
      WECHAT_REDIS_PREFIX: prefix,
      PORT: String(subgraphPort),
      HOST: '127.0.0.1',
    });
    const subgraph = await startSubgraph(config, captureLogs('warn').logger);
    try {
      const { output } = await runTool(['--port', String(simulatorPort), '--push-to', subgraph.eventsUrl!], /pushed the component_verify_ticket|does not answer yet/);
      expect(output).toContain(`pushed the component_verify_ticket to ${subgraph.eventsUrl}: HTTP 200`);
      const printed = Object.fromEntries([...output.matchAll(/^ {2}([A-Z_]+)=(\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
      expect(printed).toEqual(expected);

      const { body } = await postGraphQL(subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') });
      expect(body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
    } finally {
      await subgraph.close();
      await deletePrefix(prefix);
    }
  });
});
