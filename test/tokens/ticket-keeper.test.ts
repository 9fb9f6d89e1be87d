/**
 * The ticket keeper over real HTTP: a replica with no usable component_verify_ticket asks
 * WeChat (the simulator) to push one (api_start_push_ticket), is served once the push
 * reaches its receiver, and asks again, backing off, when a push missed it. The ticket's
 * age is exported, with no sample while none is stored. Real Redis under a prefix of its own.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { COMPONENT_TOKEN_PATH, START_PUSH_TICKET_PATH, WechatSimulator } from '../../src/simulator/index.js';
import { TEST_COMPONENT, testMerchants } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix, writeKey } from '../support/redis.js';
import { freePort } from '../support/redis-server.js';
import { type Replicas, startReplicas, withRecovery } from '../support/replicas.js';
import { registerSecrets } from '../support/suite-capture.js';

const KEYS = { messageToken: 'keeperMessageToken3', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'keeper' }], 'refresh');
registerSecrets(TEST_COMPONENT.appSecret, TEST_COMPONENT.verifyTicket, KEYS.messageToken, KEYS.encodingAesKey, ...entries.map((entry) => entry.authorizerRefreshToken));

let running: { replicas: Replicas; simulator: WechatSimulator; prefix: string } | undefined;
afterEach(async () => {
  await running?.replicas.stop();
  await running?.simulator.stop();
  if (running) await deletePrefix(running.prefix);
  running = undefined;
});

/** A replica on an empty prefix, on a known port, whose receiver the simulator pushes to (or `eventUrl`); `askFirstMs` shortens the keeper's back-off and looks. */
async function start(options: { eventUrl?: string; askFirstMs?: number; before?: (prefix: string) => Promise<void> } = {}) {
  const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT, pushRetryDelayMs: 20 });
  await simulator.start();
  const prefix = uniquePrefix('keeper');
  await options.before?.(prefix);
  const port = await freePort();
  const receiver = `http://127.0.0.1:${port}/wechat/component/events`;
  simulator.pushes.setEventTarget({ url: options.eventUrl ?? receiver, ...KEYS });
  const pushed = simulator.pushes.nextTicketPush();
  const { askFirstMs } = options;
  const replicas = await startReplicas({
    simulator,
    entries,
    count: 1,
    env: {
      PORT: String(port),
      REDIS_URL: REDIS_TEST_URL,
      WECHAT_REDIS_PREFIX: prefix,
      WECHAT_COMPONENT_VERIFY_TICKET: '',
      WECHAT_COMPONENT_MESSAGE_TOKEN: KEYS.messageToken,
      WECHAT_COMPONENT_ENCODING_AES_KEY: KEYS.encodingAesKey,
    },
    ...(askFirstMs === undefined ? {} : { adjust: (config) => withRecovery(config, { ticketAskFirstMs: askFirstMs, checkEveryMs: askFirstMs }) }),
  });
  running = { replicas, simulator, prefix };
  const metrics = async () => (await fetch(replicas.replicas[0]!.url.replace(/\/graphql$/, '/metrics'))).text();
  const messages = () => replicas.logs[0]!.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { simulator, replicas, receiver, pushed, metrics, messages };
}

const TICKET_AGE = /^wechat_component_ticket_age_seconds (\S+)$/m;

describeWithRedis('the ticket keeper', () => {
  it('asks WeChat for the ticket when a replica starts on an empty store, and serves once the push arrives', async () => {
    const { simulator, replicas, pushed, metrics, messages } = await start();

    expect(await pushed).toMatchObject({ delivered: true, attempts: [{ status: 200, text: 'success' }] });
    const { body } = await replicas.query(0, 'm_0');
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments).toHaveLength(1);
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(1);
    const exported = await metrics();
    expect(exported).toMatch(/^wechat_token_recoveries_total\{record="ticket",outcome="recovered"\} 1$/m);
    expect(Number(TICKET_AGE.exec(exported)?.[1])).toBeLessThan(60);
    expect(messages()).toContain('asked WeChat to push the component_verify_ticket again (api_start_push_ticket)');
  });

  it('asks again, backing off, when the push missed the receiver; no age is exported meanwhile', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/wechat/component/events`;
    const { simulator, replicas, receiver, pushed, metrics, messages } = await start({ eventUrl: nowhere, askFirstMs: 300 });
    expect(await pushed).toMatchObject({ delivered: false });
    expect(await metrics()).not.toMatch(TICKET_AGE);
    // The operator fixes the event URL at WeChat: the keeper's next ask reaches the receiver.
    const next = simulator.pushes.nextTicketPush();
    simulator.pushes.setEventTarget({ url: receiver, ...KEYS });

    expect(await next).toMatchObject({ delivered: true });
    await expect.poll(async () => (await replicas.query(0, 'm_0')).body.errors, { timeout: 5_000, interval: 50 }).toBeUndefined();
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBeGreaterThanOrEqual(2);
    expect(messages()).toContainEqual(expect.stringMatching(/^no component_verify_ticket arrived after api_start_push_ticket/));
    expect(await metrics()).toMatch(/^wechat_token_recoveries_total\{record="ticket",outcome="failed"\} [1-9]/m);
  });

  it('asks when the stored ticket is older than half an hour (pushes stopped), and keeps using it meanwhile', async () => {
    const { simulator, pushed, metrics } = await start({
      before: (prefix) => writeKey(`${prefix}component:ticket`, JSON.stringify({ ticket: TEST_COMPONENT.verifyTicket, receivedAt: Date.now() - 31 * 60_000 })),
    });
    expect(await pushed).toMatchObject({ delivered: true });
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(1);
    await expect.poll(async () => Number(TICKET_AGE.exec(await metrics())?.[1]), { timeout: 10_000, interval: 100 }).toBeLessThan(60);
  });

  it('asks when WeChat refuses the stored ticket (61005: a newer one was issued, its push lost), and the next mint uses the pushed one', async () => {
    const { simulator, replicas, pushed } = await start();
    await pushed;
    expect((await replicas.query(0, 'm_0')).body.errors).toBeUndefined();
    simulator.setVerifyTicket('ticket@@@issued-while-the-push-was-lost');
    registerSecrets('ticket@@@issued-while-the-push-was-lost');
    // Both tokens must be minted again, so the stored ticket is presented.
    simulator.expireComponentToken();
    simulator.revokeAuthorizerTokens(entries[0]!.authorizerAppId);
    const refusedPush = simulator.pushes.nextTicketPush();
    const refused = await replicas.query(0, 'm_0');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'COMPONENT_TICKET_INVALID', wechat: { errcode: 61005 } });

    expect(await refusedPush).toMatchObject({ delivered: true });
    await expect.poll(async () => (await replicas.query(0, 'm_0')).body.errors, { timeout: 5_000, interval: 50 }).toBeUndefined();
    expect(simulator.callCount(START_PUSH_TICKET_PATH)).toBe(2);
    const presented = simulator.calls.filter((call) => call.path === COMPONENT_TOKEN_PATH).map((call) => JSON.parse(call.body).component_verify_ticket);
    expect(presented.at(-1)).toBe('ticket@@@issued-while-the-push-was-lost');
  });
});
