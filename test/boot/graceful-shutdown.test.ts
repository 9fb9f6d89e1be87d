/**
 * SIGTERM under load: every operation the subgraph accepted is answered in full, new
 * connections are refused while those operations are still waiting on WeChat, and the
 * process exits 0.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TemporaryAuthorizersFile, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { type HeldWechat, startHeldWechat } from '../support/held-wechat.js';
import { testMerchants } from '../support/merchants.js';
import { spawnSubgraph, waitForOutput } from '../support/spawn-subgraph.js';

// One authorizer per operation: each accepted operation makes exactly one getenvinfo call,
// so the number of calls held says when all of them are in flight.
const OPERATIONS = 30;
const { authorizers, entries } = testMerchants(Array.from({ length: OPERATIONS }, (_, index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` })));
const simulator = new WechatSimulator({ authorizers });
let wechat: HeldWechat;
let authorizersFile: TemporaryAuthorizersFile;

beforeAll(async () => {
  // WeChat answers only when the test says: the operations stay in flight for as long as it needs.
  wechat = await startHeldWechat(await simulator.start());
  authorizersFile = await writeTemporaryAuthorizersFile(entries);
});
afterAll(async () => {
  wechat.release();
  await wechat.close();
  await simulator.stop();
  await authorizersFile.remove();
});

/** '503' while draining, or 'refused' once the listener is closed; the status otherwise. */
async function healthz(url: string): Promise<string> {
  const fresh = new Agent(); // a new connection each time: the pooled one would outlive the listener
  try {
    const response = await request(url.replace('/graphql', '/healthz'), { dispatcher: fresh });
    await response.body.dump();
    return String(response.statusCode);
  } catch {
    return 'refused';
  } finally {
    await fresh.close();
  }
}

describe('SIGTERM', () => {
  it('finishes every accepted operation, refuses new ones, and exits 0', async () => {
    const subgraph = spawnSubgraph({
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ALLOW_OPEN_ACCESS: 'true',
      LOG_LEVEL: 'info',
      WECHAT_API_BASE_URL: wechat.url,
      AUTHORIZERS_FILE: authorizersFile.path,
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);

    let answered = 0;
    const inFlight = Array.from({ length: OPERATIONS }, (_, index) =>
      postGraphQL(url!, ENTITIES_QUERY, { representations: merchantRepresentations(`m_${index}`) }).finally(() => (answered += 1)),
    );
    // Signal only once the subgraph has accepted every operation (each is waiting on WeChat).
    await expect.poll(() => wechat.held(), { timeout: 30_000, interval: 20 }).toBe(OPERATIONS);
    subgraph.child.kill('SIGTERM');
    await waitForOutput(subgraph, /shutting down/);
    // No longer accepting connections, while every operation is still waiting on WeChat.
    await expect.poll(() => healthz(url!), { timeout: 10_000, interval: 20 }).toMatch(/^(503|refused)$/);
    expect(answered).toBe(0);
    expect(wechat.held()).toBe(OPERATIONS);

    wechat.release();
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual(Array(OPERATIONS).fill(200));
    expect(answers.flatMap((answer) => answer.body.errors ?? [])).toEqual([]);
    expect(answers.every((answer) => answer.body.data._entities[0].cloudEnvironments.length === 1)).toBe(true);

    expect(await subgraph.exited).toBe(0);
    expect(subgraph.output()).not.toMatch(/did not finish in time/);
  }, 90_000); // the spawned process may take tens of seconds to start on a busy machine
});
