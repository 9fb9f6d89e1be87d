/**
 * SIGTERM under load: every operation the subgraph accepted is answered in full, new
 * connections are refused, and the process exits 0.
 */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TemporaryAuthorizersFile, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { testMerchants } from '../support/merchants.js';
import { spawnSubgraph, waitForOutput } from '../support/spawn-subgraph.js';

// One authorizer per operation: each accepted operation makes exactly one getenvinfo call,
// so the simulator's call count says when all of them are in flight.
const OPERATIONS = 30;
const { authorizers, entries } = testMerchants(Array.from({ length: OPERATIONS }, (_, index) => ({ merchantId: `m_${index}`, authorizer: `a${index}` })));
const simulator = new WechatSimulator({ authorizers });
let authorizersFile: TemporaryAuthorizersFile;

beforeAll(async () => {
  await simulator.start();
  authorizersFile = await writeTemporaryAuthorizersFile(entries);
});
afterAll(async () => {
  await simulator.stop();
  await authorizersFile.remove();
});

describe('SIGTERM', () => {
  it('finishes every accepted operation, refuses new ones, and exits 0', async () => {
    // Every WeChat call takes 2 s, so operations are in flight when the signal lands.
    for (const authorizer of authorizers) simulator.injectFault(authorizer.accessToken!, { kind: 'delay', ms: 2_000 });
    const subgraph = spawnSubgraph({
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      ALLOW_OPEN_ACCESS: 'true',
      LOG_LEVEL: 'info',
      WECHAT_API_BASE_URL: simulator.url,
      AUTHORIZERS_FILE: authorizersFile.path,
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);

    const inFlight = Array.from({ length: OPERATIONS }, (_, index) =>
      postGraphQL(url!, ENTITIES_QUERY, { representations: merchantRepresentations(`m_${index}`) }),
    );
    // Signal only once the subgraph has accepted every operation (each is waiting on WeChat):
    // a fixed pause raced the requests on a busy machine.
    const deadline = Date.now() + 30_000;
    while (simulator.callCount('/tcb/getenvinfo') < OPERATIONS) {
      if (Date.now() > deadline) throw new Error(`only ${simulator.callCount('/tcb/getenvinfo')} of ${OPERATIONS} operations reached WeChat:\n${subgraph.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    subgraph.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Still answering the operations in flight, but no longer accepting connections.
    const refused = await request(url!.replace('/graphql', '/healthz'), { dispatcher: new Agent() }).then(
      (response) => response.statusCode,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(refused);

    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual(Array(OPERATIONS).fill(200));
    expect(answers.flatMap((answer) => answer.body.errors ?? [])).toEqual([]);
    expect(answers.every((answer) => answer.body.data._entities[0].cloudEnvironments.length === 1)).toBe(true);

    expect(await subgraph.exited).toBe(0);
    expect(subgraph.output()).toMatch(/shutting down/);
    expect(subgraph.output()).not.toMatch(/did not finish in time/);
  }, 90_000); // the spawned process may take tens of seconds to start on a busy machine
});
