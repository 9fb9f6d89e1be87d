/**
 * api_start_push_ticket over real HTTP: WeChat's answers to the platform's appid and
 * secret, and the ticket push an ok answer resumes, delivered to the event URL the
 * simulator knows (a platform stand-in that decrypts it, or the subgraph's own receiver)
 * and retried as WeChat retries. Tests await the push's outcome; none sleeps.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedComponent, START_PUSH_TICKET_PATH, WechatSimulator, type WechatSimulatorOptions } from '../../src/simulator/index.js';
import { EventUrlStandIn } from '../support/event-url-stand-in.js';
import { degradedReason, readiness, readinessWhen } from '../support/readiness.js';
import { errcodeOf, postToSimulator } from '../support/simulator-http.js';
import { startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const COMPONENT: SimulatedComponent = { appId: 'wx0d1e2f3a4b5c6d7e', appSecret: 'component-secret-push-3f9a1c', verifyTicket: 'ticket@@@before-the-push-7c2e' };
const KEYS = { messageToken: 'pushTicketToken42', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
const RESUMED_TICKET = 'ticket@@@resumed-by-start-push-5b8d';
registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, KEYS.messageToken, KEYS.encodingAesKey, RESUMED_TICKET);

const running: WechatSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.stop()));
});

async function started(options: WechatSimulatorOptions = {}): Promise<WechatSimulator> {
  const simulator = new WechatSimulator({ component: COMPONENT, pushRetryDelayMs: 5, ...options });
  running.push(simulator);
  await simulator.start();
  return simulator;
}

const startPushTicket = (simulator: WechatSimulator, overrides: Record<string, unknown> = {}) =>
  postToSimulator(simulator, START_PUSH_TICKET_PATH, { component_appid: COMPONENT.appId, component_secret: COMPONENT.appSecret, ...overrides });

describe('api_start_push_ticket', () => {
  const platform = new EventUrlStandIn(KEYS);
  beforeAll(() => platform.start());
  afterAll(() => platform.stop());
  afterEach(() => {
    platform.tickets.length = 0;
    platform.answers.length = 0;
  });

  it('answers {"errcode":0,"errmsg":"ok"} to the component\'s appid and secret, and records the call', async () => {
    const simulator = await started();
    const response = await startPushTicket(simulator);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(1);
  });

  it('answers 43002 to a GET, 44002 to an empty body and 47001 to a body that is not a JSON object', async () => {
    const simulator = await started();
    expect(await errcodeOf(fetch(`${simulator.url}${START_PUSH_TICKET_PATH}`))).toBe(43002);
    expect(await errcodeOf(postToSimulator(simulator, START_PUSH_TICKET_PATH, ''))).toBe(44002);
    expect(await errcodeOf(postToSimulator(simulator, START_PUSH_TICKET_PATH, '["component_appid"]'))).toBe(47001);
  });

  it('answers 41002 without component_appid and 41004 without component_secret', async () => {
    const simulator = await started();
    expect(await errcodeOf(startPushTicket(simulator, { component_appid: undefined }))).toBe(41002);
    expect(await errcodeOf(startPushTicket(simulator, { component_secret: '' }))).toBe(41004);
  });

  it('answers 40013 to an unknown appid, and when no component is configured', async () => {
    const simulator = await started();
    expect(await errcodeOf(startPushTicket(simulator, { component_appid: 'wx0000000000000000' }))).toBe(40013);
    const bare = await started({ component: undefined });
    expect(await errcodeOf(startPushTicket(bare))).toBe(40013);
  });

  it('answers 40125 to a wrong secret, as api_component_token does', async () => {
    const simulator = await started();
    const response = await startPushTicket(simulator, { component_secret: 'guess' });
    expect(await response.clone().json()).toMatchObject({ errmsg: expect.stringMatching(/^invalid appsecret rid: /) });
    expect(await errcodeOf(response)).toBe(40125);
  });

  it('pushes the current ticket to the event URL after answering ok, encrypted as WeChat encrypts it', async () => {
    const simulator = await started();
    simulator.pushes.setEventTarget(platform.target);
    simulator.setVerifyTicket(RESUMED_TICKET);
    const pushed = simulator.pushes.nextTicketPush();

    await startPushTicket(simulator);

    expect(await pushed).toEqual({ url: platform.target.url, delivered: true, attempts: [{ status: 200, text: 'success' }] });
    expect(platform.tickets).toEqual([RESUMED_TICKET]);
    expect(simulator.pushes.ticketPushes).toHaveLength(1);
  });

  it('pushes nothing for a refused call or one a fault answered: only the ok answer pushes', async () => {
    const simulator = await started();
    simulator.pushes.setEventTarget(platform.target);
    simulator.injectEndpointFault(START_PUSH_TICKET_PATH, { kind: 'errcode', errcode: -1 }, { times: 1 });
    expect(await errcodeOf(startPushTicket(simulator))).toBe(-1);
    expect(await errcodeOf(startPushTicket(simulator, { component_secret: 'guess' }))).toBe(40125);
    const pushed = simulator.pushes.nextTicketPush();

    await startPushTicket(simulator);

    expect((await pushed).delivered).toBe(true);
    expect(simulator.pushes.ticketPushes).toHaveLength(1);
    expect(platform.tickets).toEqual([COMPONENT.verifyTicket]);
  });

  it('answers ok and pushes nothing while it knows no event URL', async () => {
    const simulator = await started();
    const pushed = simulator.pushes.nextTicketPush();

    expect(await (await startPushTicket(simulator)).json()).toEqual({ errcode: 0, errmsg: 'ok' });

    expect(await pushed).toEqual({ url: undefined, delivered: false, attempts: [] });
    expect(platform.tickets).toEqual([]);
  });

  it('retries a push the platform did not answer success, until it does', async () => {
    const simulator = await started();
    simulator.pushes.setEventTarget(platform.target);
    platform.answers.push({ status: 503, text: 'busy' }, { status: 200, text: 'fail' });
    const pushed = simulator.pushes.nextTicketPush();

    await startPushTicket(simulator);

    expect(await pushed).toEqual({
      url: platform.target.url,
      delivered: true,
      attempts: [{ status: 503, text: 'busy' }, { status: 200, text: 'fail' }, { status: 200, text: 'success' }],
    });
    expect(platform.tickets).toEqual([COMPONENT.verifyTicket, COMPONENT.verifyTicket, COMPONENT.verifyTicket]);
  });

  it('gives up after three attempts when nothing listens at the event URL', async () => {
    const simulator = await started();
    const closed = new EventUrlStandIn(KEYS);
    await closed.start();
    const { target } = closed;
    await closed.stop();
    simulator.pushes.setEventTarget(target);
    const pushed = simulator.pushes.nextTicketPush();

    await startPushTicket(simulator);

    const delivery = await pushed;
    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts).toEqual([0, 1, 2].map(() => ({ error: expect.stringMatching(/ECONNREFUSED/) })));
  });

  it('pushes to the target startTicketPushes was given: it becomes the event URL', async () => {
    const simulator = await started();
    expect(await simulator.pushes.startTicketPushes(platform.target, 3_600_000)).toEqual({ status: 200, text: 'success' });
    expect(simulator.pushes.eventTarget).toEqual(platform.target);
    const pushed = simulator.pushes.nextTicketPush();

    await startPushTicket(simulator);

    expect((await pushed).delivered).toBe(true);
    expect(platform.tickets).toEqual([COMPONENT.verifyTicket, COMPONENT.verifyTicket]);
  });
});

describe('api_start_push_ticket and the subgraph', () => {
  it("delivers the ticket to the subgraph's receiver, which stores it and no longer reports it missing", async () => {
    const stack = await startSubgraphStack({
      simulator: { component: COMPONENT, authorizers: [] },
      merchants: [],
      env: {
        WECHAT_COMPONENT_VERIFY_TICKET: '',
        WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken,
        WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey,
        DEPENDENCY_CHECK_INTERVAL_MS: '100',
      },
    });
    try {
      const missing = await readiness(stack.subgraph.url);
      expect(missing.status).toBe(200);
      expect(degradedReason(missing, 'ticket')).toMatch(/^no component_verify_ticket yet/);
      stack.simulator.pushes.setEventTarget({ url: stack.subgraph.eventsUrl!, ...KEYS });
      const pushed = stack.simulator.pushes.nextTicketPush();

      await startPushTicket(stack.simulator);

      expect(await pushed).toMatchObject({ delivered: true, attempts: [{ status: 200, text: 'success' }] });
      expect((await readinessWhen(stack.subgraph.url, (answer) => degradedReason(answer, 'ticket') === undefined)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
