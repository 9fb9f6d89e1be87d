/**
 * The demo exercises the real ticket flow: the subgraph, finding no ticket, asks its
 * simulator for one (api_start_push_ticket) as it asks WeChat; the simulator pushes it to
 * the event URL it knows, encrypted and signed as WeChat would, and again on an interval;
 * the demo's merchants are served with the ticket that arrived that way (the demo sets no
 * ticket of its own).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as wecom from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { DEMO_COMPONENT, DEMO_COMPONENT_EVENTS, WechatSimulator, demoSimulatorOptions } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { parseEventXml } from '../../src/events/event-xml.js';
import { registerSecrets } from '../support/suite-capture.js';

registerSecrets(DEMO_COMPONENT_EVENTS.messageToken, DEMO_COMPONENT_EVENTS.encodingAesKey, DEMO_COMPONENT.verifyTicket);

describe('the demo ticket pushes', () => {
  it('reach the demo subgraph, which becomes ready and serves its merchants with the pushed ticket', async () => {
    const logs = captureLogs('info');
    const subgraph = await startSubgraph(loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', CLOUDENV_CACHE_TTL_MS: '0' }), logs.logger);
    try {
      const lines = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const messages = lines.map((line) => line['msg']);
      const asked = messages.indexOf('asked WeChat to push the component_verify_ticket again (api_start_push_ticket)');
      expect(asked).toBeGreaterThan(-1);
      expect(messages.indexOf('component_verify_ticket received and stored')).toBeGreaterThan(-1);
      expect(messages.indexOf('component_verify_ticket arrived after api_start_push_ticket')).toBeGreaterThan(asked);
      expect((await fetch(subgraph.url.replace(/\/graphql$/, '/readyz'))).status).toBe(200);
      const metrics = await (await fetch(subgraph.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(/^wechat_token_recoveries_total\{record="ticket",outcome="recovered"\} 1$/m);
      expect(metrics).toMatch(/^wechat_component_ticket_age_seconds \d/m);
      const served = await postGraphQL(subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') });
      expect(served.body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
      for (const secret of [DEMO_COMPONENT.verifyTicket, DEMO_COMPONENT_EVENTS.messageToken, DEMO_COMPONENT_EVENTS.encodingAesKey]) expect(logs.lines.join('\n')).not.toContain(secret);
    } finally {
      await subgraph.close();
    }
  });

  it('come encrypted and signed as WeChat sends them, again on every interval', async () => {
    const received: Array<{ url: string; body: string }> = [];
    const platform = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body });
        response.end('success');
      });
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const simulator = new WechatSimulator(demoSimulatorOptions());
    await simulator.start();
    try {
      const url = `http://127.0.0.1:${(platform.address() as AddressInfo).port}/wechat/component/events`;
      expect(await simulator.pushes.startTicketPushes({ url, ...DEMO_COMPONENT_EVENTS }, 40)).toEqual({ status: 200, text: 'success' });
      await expect.poll(() => received.length, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(3);
      simulator.pushes.stopTicketPushes();

      for (const push of received) {
        const query = new URL(push.url, 'http://x').searchParams;
        const encrypted = parseEventXml(push.body)['Encrypt']!;
        expect(query.get('msg_signature')).toBe(wecom.getSignature(DEMO_COMPONENT_EVENTS.messageToken, query.get('timestamp')!, query.get('nonce')!, encrypted));
        const { message, id } = wecom.decrypt(DEMO_COMPONENT_EVENTS.encodingAesKey, encrypted);
        expect(id).toBe(DEMO_COMPONENT.appId);
        expect(parseEventXml(message)).toMatchObject({ AppId: DEMO_COMPONENT.appId, InfoType: 'component_verify_ticket', ComponentVerifyTicket: DEMO_COMPONENT.verifyTicket });
      }
    } finally {
      await simulator.stop();
      platform.close();
    }
  });
});
