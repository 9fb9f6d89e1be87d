/**
 * The benchmark's baselines answer the bench's workloads exactly as this subgraph does;
 * (b′) differs from (b) only in running without Apollo Server's cache-control plugin, and
 * (a) only in having no DataLoader: one WeChat call per field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BaselineAuthorizer, startBaselineSubgraph } from '../../tools/bench/baseline-subgraph.js';
import { buildBenchWorld } from '../../tools/bench/bench-world.js';
import { buildWorkloads } from '../../tools/bench/bench-workloads.js';
import { WechatSimulator } from '../../src/simulator/index.js';

const world = buildBenchWorld({ groups: 1 });
const workloads = buildWorkloads(world);
const simulator = new WechatSimulator({ authorizers: [...world.simulatorAuthorizers] });
const floors: Array<{ url: string; close: () => Promise<void> }> = [];
let unbatched: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  const wechatBaseUrl = await simulator.start();
  const authorizers = new Map<string, BaselineAuthorizer>(
    world.authorizersFile.map((entry) => [entry.merchantId, { appId: entry.authorizerAppId, accessToken: entry.authorizerAccessToken! }]),
  );
  for (const cacheControlPlugin of [true, false]) {
    floors.push(await startBaselineSubgraph({ port: 0, host: '127.0.0.1', wechatBaseUrl, authorizers, upstreamConnections: 4, cacheControlPlugin }));
  }
  unbatched = await startBaselineSubgraph({ port: 0, host: '127.0.0.1', wechatBaseUrl, authorizers, upstreamConnections: 4, batching: false });
});

afterAll(async () => {
  await Promise.all([...floors, unbatched].map((floor) => floor?.close()));
  await simulator.stop();
});

async function ask(url: string, body: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { cacheControl: response.headers.get('cache-control'), body: (await response.json()) as unknown };
}

describe('baselines (b) and (b′)', () => {
  it.each(['W1', 'W3'] as const)('answer %s with the data this subgraph serves', async (key) => {
    for (const floor of floors) {
      expect((await ask(floor.url, workloads[key].probeBody)).body).toEqual({ data: workloads[key].probeData });
    }
  });

  it("differ only in Apollo Server's cache-control plugin: (b) runs it (no-store without hints), (b′) does not", async () => {
    const [withPlugin, withoutPlugin] = await Promise.all(floors.map((floor) => ask(floor.url, workloads.W3.probeBody)));
    expect(withPlugin!.cacheControl).toBe('no-store');
    expect(withoutPlugin!.cacheControl).toBeNull();
  });
});

describe('baseline (a), no batching', () => {
  const GET_ENV_INFO = '/tcb/getenvinfo';

  it.each(['W1', 'W3'] as const)('answers %s with the data this subgraph serves', async (key) => {
    expect((await ask(unbatched.url, workloads[key].probeBody)).body).toEqual({ data: workloads[key].probeData });
  });

  it('calls WeChat once per field: 100 calls for the fan-out of 50 merchants × 2 fields, where (b) makes one per authorizer', async () => {
    simulator.resetCalls();
    await ask(unbatched.url, workloads.W1.probeBody);
    expect(simulator.callCount(GET_ENV_INFO)).toBe(100);
    simulator.resetCalls();
    await ask(floors[0]!.url, workloads.W1.probeBody);
    expect(simulator.callCount(GET_ENV_INFO)).toBe(25);
  });

  it('sends a field’s env upstream, as one call per field would', async () => {
    simulator.resetCalls();
    await ask(unbatched.url, workloads.W1.probeBody);
    const bodies = simulator.calls.filter((call) => call.path === GET_ENV_INFO).map((call) => call.body);
    expect(bodies.filter((body) => body === '{}')).toHaveLength(50);
    expect(bodies.filter((body) => body.startsWith('{"env":'))).toHaveLength(50);
  });
});
