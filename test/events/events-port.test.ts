/**
 * EVENTS_PORT: the event receiver on a listener of its own, the one port that faces the
 * internet. It serves POST /wechat/component/events and nothing else; the GraphQL port then
 * has no event route; the demo's simulator pushes to whichever port serves the receiver;
 * and a graceful stop closes both listeners.
 */
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { DEMO_COMPONENT, DEMO_COMPONENT_EVENTS, type SimulatedComponent } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { degradedReason, readinessWhen } from '../support/readiness.js';
import { startSubgraphStack } from '../support/stack.js';
import { freePort } from '../support/redis-server.js';
import { registerSecrets } from '../support/suite-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx00e1e1e1e1e1e1e1', appSecret: 'component-secret-events-port-3b7c', verifyTicket: 'ticket@@@events-port-5e2f' };
const KEYS = { messageToken: 'eventsPortToken4', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, KEYS.messageToken, KEYS.encodingAesKey);
registerSecrets(DEMO_COMPONENT_EVENTS.messageToken, DEMO_COMPONENT_EVENTS.encodingAesKey, DEMO_COMPONENT.verifyTicket);

const origin = (url: string) => new URL(url).origin;

/** The status of each request, as [method, path, status]. */
async function statuses(base: string, requests: ReadonlyArray<readonly [method: 'GET' | 'POST', path: string]>): Promise<Array<[string, string, number]>> {
  return Promise.all(
    requests.map(async ([method, path]) => {
      const response = await fetch(new URL(path, base), { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' } : {}) });
      await response.arrayBuffer();
      return [method, path, response.status] as [string, string, number];
    }),
  );
}

const EVERYTHING_BUT_THE_RECEIVER = [
  ['POST', '/graphql'],
  ['GET', '/graphql'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
  ['GET', '/'],
  ['GET', '/wechat/component/events'],
] as const;

describe('EVENTS_PORT', () => {
  it('serves the receiver there alone, and the GraphQL port serves everything else but no event route', async () => {
    const stack = await startSubgraphStack({
      simulator: { component: COMPONENT, authorizers: [] },
      merchants: [],
      env: { EVENTS_PORT: '0', WECHAT_COMPONENT_VERIFY_TICKET: '', WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey },
    });
    let eventsOrigin: string | undefined;
    try {
      const { url, eventsUrl } = stack.subgraph;
      eventsOrigin = origin(eventsUrl!);
      expect(eventsOrigin).not.toBe(origin(url));
      expect(new URL(eventsUrl!).pathname).toBe('/wechat/component/events');

      expect(await stack.simulator.pushes.pushVerifyTicket({ url: eventsUrl!, ...KEYS })).toEqual({ status: 200, text: 'success' });
      expect(await statuses(eventsOrigin, EVERYTHING_BUT_THE_RECEIVER)).toEqual(EVERYTHING_BUT_THE_RECEIVER.map(([method, path]) => [method, path, 404]));
      const notFound = await fetch(new URL('/readyz', eventsOrigin));
      expect(await notFound.text()).toBe('not found\n');

      const onGraphqlPort = await stack.simulator.pushes.pushVerifyTicket({ url: `${origin(url)}/wechat/component/events`, ...KEYS });
      expect(onGraphqlPort.status).toBe(404);
      expect(await statuses(origin(url), [['POST', '/graphql'], ['GET', '/healthz'], ['GET', '/readyz'], ['GET', '/metrics']])).toEqual([
        ['POST', '/graphql', 200],
        ['GET', '/healthz', 200],
        ['GET', '/readyz', 200],
        ['GET', '/metrics', 200],
      ]);
    } finally {
      await stack.stop();
    }
    // A graceful stop closes the receiver's listener too.
    await expect(fetch(new URL('/wechat/component/events', eventsOrigin), { method: 'POST', body: '' })).rejects.toThrow();
  });

  it("takes the demo's ticket pushes there: the simulator pushes to whichever port serves the receiver", async () => {
    const logs = captureLogs('info');
    const subgraph = await startSubgraph(loadConfig({ NODE_ENV: 'test', PORT: '0', EVENTS_PORT: '0', CLOUDENV_CACHE_TTL_MS: '0', DEPENDENCY_CHECK_INTERVAL_MS: '100' }), logs.logger);
    try {
      expect(origin(subgraph.eventsUrl!)).not.toBe(origin(subgraph.url));
      expect(new URL(subgraph.eventsUrl!).hostname).toBe('127.0.0.1');
      const lines = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      // The simulator knows the events port as the event URL, and the ticket the subgraph asked for arrived there: no other port receives.
      expect(lines).toContainEqual(expect.objectContaining({ eventsUrl: subgraph.eventsUrl, msg: expect.stringMatching(/simulator knows the event receiver as the event URL/) }));
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'component_verify_ticket arrived after api_start_push_ticket' }));
      expect((await readinessWhen(subgraph.url, (answer) => degradedReason(answer, 'ticket') === undefined)).body.degraded).toEqual([]);
      const served = await postGraphQL(subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') });
      expect(served.body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
    } finally {
      await subgraph.close();
    }
  });

  it('fails to start when EVENTS_PORT is taken, leaving nothing listening', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    try {
      const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), EVENTS_PORT: String((taken.address() as AddressInfo).port) });
      await expect(startSubgraph(config, captureLogs('silent').logger)).rejects.toThrow(/EADDRINUSE/);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      taken.close();
    }
  });
});
