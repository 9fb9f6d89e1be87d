/**
 * POST /wechat/component/events on a running subgraph, over real HTTP, with the real
 * Redis: pushes encrypted as WeChat encrypts them (by the simulator, and by hand with
 * @wecom/crypto), accepted ones changing what the subgraph serves, refused ones answered
 * 4xx, storing nothing, logging why and never a secret.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_AUTH_PATH, AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, type SimulatedComponent } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { environment } from '../support/merchants.js';
import { degradedReason, readiness, readinessWhen } from '../support/readiness.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';
import { type RawPush, buildPush, postPush } from '../support/wechat-push.js';

const COMPONENT: SimulatedComponent = { appId: 'wx00e0e0e0e0e0e0e0', appSecret: 'component-secret-events-6d2a', verifyTicket: 'ticket@@@pushed-by-wechat-84c1' };
const PUSH_KEYS = { messageToken: 'eventsMessageToken7', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
const NEW_APP = 'wx00000000000000a1'; // authorizes only through a push
const REVOKING_APP = 'wx00000000000000b2'; // starts with a refresh token, then revokes
const REFUSED_TICKET = 'ticket@@@must-never-be-stored-or-logged';
const REVOKING_REFRESH_TOKEN = 'refresh-secret-revoking-5a1e';

registerSecrets(COMPONENT.appSecret, COMPONENT.verifyTicket, PUSH_KEYS.messageToken, PUSH_KEYS.encodingAesKey, REFUSED_TICKET, REVOKING_REFRESH_TOKEN);

/** Every key under the prefix with its value (hashes as objects): what "stored nothing" is compared against. */
async function storeSnapshot(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const keys = (await redis.keys(`${prefix}*`)).sort();
  const snapshot: Record<string, unknown> = {};
  for (const key of keys) snapshot[key] = (await redis.type(key)) === 'hash' ? await redis.hgetall(key) : await redis.get(key);
  return snapshot;
}

describeWithRedis('the WeChat event receiver', () => {
  const prefix = uniquePrefix('events');
  let stack: SubgraphStack;
  let redis: Redis;
  let eventsUrl: string;
  let baseUrl: string;
  const target = () => ({ url: eventsUrl, ...PUSH_KEYS });
  const query = (...ids: string[]) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });
  const push = (raw: RawPush) => postPush(eventsUrl, raw);
  const logLines = () => stack.logs.lines.join('\n');

  beforeAll(async () => {
    redis = new Redis(REDIS_TEST_URL);
    stack = await startSubgraphStack({
      simulator: {
        component: COMPONENT,
        authorizers: [
          { appId: NEW_APP, environments: [environment('pushed-1a2b3c')] },
          { appId: REVOKING_APP, refreshToken: REVOKING_REFRESH_TOKEN, environments: [environment('revoking-4d5e6f')] },
        ],
      },
      merchants: [
        { merchantId: 'm_new', authorizerAppId: NEW_APP },
        { merchantId: 'm_revoking', authorizerAppId: REVOKING_APP, authorizerRefreshToken: REVOKING_REFRESH_TOKEN },
      ],
      env: {
        REDIS_URL: REDIS_TEST_URL,
        WECHAT_REDIS_PREFIX: prefix,
        WECHAT_COMPONENT_VERIFY_TICKET: '',
        WECHAT_COMPONENT_MESSAGE_TOKEN: PUSH_KEYS.messageToken,
        WECHAT_COMPONENT_ENCODING_AES_KEY: PUSH_KEYS.encodingAesKey,
        TOKEN_REFRESH_AT_PERCENT: '50',
        DEPENDENCY_CHECK_INTERVAL_MS: '100',
      },
    });
    baseUrl = stack.subgraph.url.replace(/\/graphql$/, '');
    eventsUrl = `${baseUrl}/wechat/component/events`;
  });

  afterAll(async () => {
    await stack?.stop();
    redis?.disconnect();
    await deletePrefix(prefix);
  });

  it('stays ready while no ticket has been received (the push reaches only a replica that takes traffic), saying why', async () => {
    const { status, body } = await readiness(baseUrl);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', degraded: [{ check: 'ticket', reason: expect.stringMatching(/^no component_verify_ticket yet: .*\/wechat\/component\/events/), since: expect.any(String) }] });
    const before = await query('m_revoking');
    expect(before.body.errors?.[0]?.extensions?.['code']).toBe('COMPONENT_TICKET_INVALID');
  });

  describe('refuses, with a 4xx that stores nothing and a log line saying why,', () => {
    const ticketFields = { InfoType: 'component_verify_ticket', ComponentVerifyTicket: REFUSED_TICKET };
    const now = () => Math.floor(Date.now() / 1000);
    it.each<[string, () => RawPush, number, RegExp]>([
      ['a forged signature', () => buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields, { signingToken: 'forgedToken99' }), 401, /msg_signature does not match/],
      ['a replayed push (timestamp an hour old)', () => buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields, { timestamp: now() - 3600 }), 403, /timestamp is 3\d{3} s away.*replayed/],
      ['a push from the future', () => buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields, { timestamp: now() + 900 }), 403, /timestamp is (899|900|901) s away/],
      [
        'a DOCTYPE with an entity in the envelope',
        () => {
          const raw = buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields);
          return { ...raw, body: `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${raw.body.replace('<xml>', '<xml><X>&xxe;</X>')}` };
        },
        400,
        /DOCTYPE or an entity/,
      ],
      [
        'an entity inside the encrypted message',
        () => buildPush(PUSH_KEYS, COMPONENT.appId, {}, { message: `<!DOCTYPE xml [<!ENTITY t "${REFUSED_TICKET}">]><xml><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>&t;</ComponentVerifyTicket></xml>` }),
        400,
        /DOCTYPE or an entity/,
      ],
      ['a push encrypted for another appid', () => buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields, { appIdInside: 'wx1111111111111111' }), 403, /another appid, not our component wx00e0e0e0e0e0e0e0/],
      ['a message naming another AppId', () => buildPush(PUSH_KEYS, COMPONENT.appId, { ...ticketFields, AppId: 'wx1111111111111111' }), 403, /names another AppId/],
      ['an oversized body', () => ({ ...buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields), body: `<xml><Encrypt>${'A'.repeat(20_000)}</Encrypt></xml>` }), 413, /larger than 16384 bytes/],
      ['a ciphertext that is not base64 (signed all the same)', () => buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields, { encrypted: 'not*base64*at#all' }), 400, /Encrypt is not base64/],
      ['a push without msg_signature', () => { const raw = buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields); const { msg_signature: _dropped, ...query } = raw.query; return { ...raw, query }; }, 400, /no usable msg_signature/],
      ['malformed XML', () => ({ ...buildPush(PUSH_KEYS, COMPONENT.appId, ticketFields), body: '<xml><Encrypt>abc</Encrypt' }), 400, /not well formed/],
    ])('%s', async (_what, make, status, reason) => {
      const before = await storeSnapshot(redis, prefix);
      const linesBefore = stack.logs.lines.length;

      const answer = await push(make());

      expect(answer.status).toBe(status);
      expect(answer.text).toMatch(reason);
      expect(await storeSnapshot(redis, prefix)).toEqual(before);
      const logged = stack.logs.lines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(expect.objectContaining({ push: 'refused', status, reason: expect.stringMatching(reason) }));
      const text = stack.logs.lines.slice(linesBefore).join('\n');
      for (const secret of [REFUSED_TICKET, PUSH_KEYS.messageToken, PUSH_KEYS.encodingAesKey]) expect(text).not.toContain(secret);
    });
  });

  it('stores a pushed ticket, answers success, no longer reports the ticket missing, and the component token flow uses the ticket at once', async () => {
    // A mint refused for an expired ticket is backing off, as after a 61005: the new ticket must not wait for it.
    const backoff = { kind: 'api', endpoint: COMPONENT_TOKEN_PATH, errcode: 61005, errmsg: 'component ticket is expired', count: 3, until: Date.now() + 60_000 };
    await redis.set(`${prefix}failure:component:access-token`, JSON.stringify(backoff), 'PX', 120_000);

    const before = Date.now();
    const answer = await stack.simulator.pushes.pushVerifyTicket(target());

    expect(answer).toEqual({ status: 200, text: 'success' });
    // Kept with the instant it arrived, for its age.
    const stored = JSON.parse((await redis.get(`${prefix}component:ticket`))!) as { ticket: string; receivedAt: number };
    expect(stored.ticket).toBe(COMPONENT.verifyTicket);
    expect(stored.receivedAt).toBeGreaterThanOrEqual(before);
    expect(stored.receivedAt).toBeLessThanOrEqual(Date.now());
    expect((await readinessWhen(baseUrl, (answer) => degradedReason(answer, 'ticket') === undefined)).body).toEqual({ status: 'ready', degraded: [] });
    stack.simulator.resetCalls();
    const served = await query('m_revoking');
    expect(served.body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'revoking-4d5e6f' })]);
    const mint = stack.simulator.calls.find((call) => call.path === COMPONENT_TOKEN_PATH);
    expect(JSON.parse(mint!.body).component_verify_ticket).toBe(COMPONENT.verifyTicket);
    expect(logLines()).toContain('component_verify_ticket received and stored');
  });

  it('authorized: exchanges the code once through api_query_auth, stores the tokens, and the mapped merchant is served', async () => {
    const before = await query('m_new');
    expect(before.body.errors?.[0]?.extensions?.['code']).toBe('REFRESH_TOKEN_INVALID');

    const code = stack.simulator.authorize(NEW_APP);
    registerSecrets(code, stack.simulator.currentRefreshToken(NEW_APP));
    const raw = buildPush(PUSH_KEYS, COMPONENT.appId, { InfoType: 'authorized', AuthorizerAppid: NEW_APP, AuthorizationCode: code });
    stack.simulator.resetCalls();
    expect(await push(raw)).toMatchObject({ status: 200, text: 'success', contentType: expect.stringMatching(/^text\/plain/) });
    // WeChat repeats a push it thinks went unanswered: the code is not exchanged again.
    expect(await push(raw)).toMatchObject({ status: 200, text: 'success' });

    expect(stack.simulator.callCount(QUERY_AUTH_PATH)).toBe(1);
    expect(await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(stack.simulator.currentRefreshToken(NEW_APP));
    expect(await redis.pttl(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(-1);
    const served = await query('m_new');
    expect(served.body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'pushed-1a2b3c' })]);
    // The first access token came with the authorization: nothing was minted.
    expect(stack.simulator.callCount(AUTHORIZER_TOKEN_PATH)).toBe(0);
    // It is refreshed ahead at TOKEN_REFRESH_AT_PERCENT of its 7200 s life, as minted ones are.
    const record = JSON.parse((await redis.get(`${prefix}authorizer:${NEW_APP}:access-token`))!) as { refreshAt: number; expiresAt: number };
    expect(record.expiresAt - record.refreshAt).toBe(3_600_000);
    expect(logLines()).not.toContain(code);
  });

  it('answers 503 when the code cannot be exchanged, storing nothing, so that WeChat\'s repeat of the push succeeds', async () => {
    const code = stack.simulator.authorize(NEW_APP);
    registerSecrets(code, stack.simulator.currentRefreshToken(NEW_APP));
    const stored = await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`);
    const raw = buildPush(PUSH_KEYS, COMPONENT.appId, { InfoType: 'updateauthorized', AuthorizerAppid: NEW_APP, AuthorizationCode: code });
    stack.simulator.injectEndpointFault(QUERY_AUTH_PATH, { kind: 'errcode', errcode: -1000 }, { times: 3 });

    const failed = await push(raw);

    expect(failed.status).toBe(503);
    expect(await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(stored);
    expect(stack.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ push: 'failed', infoType: 'updateauthorized', level: 50 }));
    stack.simulator.clearFaults();
    expect(await push(raw)).toMatchObject({ status: 200, text: 'success' });
    expect(await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(stack.simulator.currentRefreshToken(NEW_APP));
  });

  it('updateauthorized: replaces the stored refresh token and logs which authorizer, never the token', async () => {
    const previous = await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`);
    const answer = await stack.simulator.pushes.pushAuthorizationEvent(target(), 'updateauthorized', NEW_APP);
    const current = stack.simulator.currentRefreshToken(NEW_APP);
    registerSecrets(current);

    expect(answer).toEqual({ status: 200, text: 'success' });
    expect(current).not.toBe(previous);
    expect(await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(current);
    const replaced = stack.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => String(line['msg']).includes('replaced the refresh token'));
    expect(replaced).toMatchObject({ level: 30, authorizerAppId: NEW_APP, msg: `the authorization replaced the refresh token stored for ${NEW_APP}` });
    expect(logLines()).not.toContain(previous!);
    expect(logLines()).not.toContain(current!);
  });

  it('exchanges a code under the authorizer\'s refresh lock: it waits for a mint under way at another replica', async () => {
    const lock = `${prefix}lock:authorizer:${NEW_APP}:access-token`;
    await redis.set(lock, 'another-replica-minting', 'PX', 5_000);
    const exchangesBefore = stack.simulator.callCount(QUERY_AUTH_PATH);
    const answered = stack.simulator.pushes.pushAuthorizationEvent(target(), 'updateauthorized', NEW_APP);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.simulator.callCount(QUERY_AUTH_PATH)).toBe(exchangesBefore);
    const releasedAt = Date.now();
    await redis.del(lock);

    expect(await answered).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(NEW_APP));
    const exchange = stack.simulator.calls.filter((call) => call.path === QUERY_AUTH_PATH).at(-1);
    expect(exchange!.at).toBeGreaterThanOrEqual(releasedAt);
    expect(await redis.get(`${prefix}authorizer:${NEW_APP}:refresh-token`)).toBe(stack.simulator.currentRefreshToken(NEW_APP));
    expect(await redis.exists(lock)).toBe(0);
  });

  it('unauthorized: the merchant answers MERCHANT_NOT_AUTHORIZED at once, without any call to WeChat, until it authorizes again', async () => {
    expect((await query('m_revoking')).body.data._entities[0].cloudEnvironments).toHaveLength(1);

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'unauthorized', REVOKING_APP)).toEqual({ status: 200, text: 'success' });
    stack.simulator.resetCalls();
    const revoked = await query('m_revoking', 'm_new');

    expect(revoked.body.data._entities[0]).toEqual({ id: 'm_revoking', cloudEnvironments: null });
    expect(revoked.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_revoking' } })]);
    expect(revoked.body.data._entities[1].cloudEnvironments).toHaveLength(1);
    // Only the other merchant's getEnvInfo went out: no mint, nothing for the revoked authorizer.
    expect(stack.simulator.calls.map((call) => call.path)).toEqual(['/tcb/getenvinfo']);
    stack.simulator.resetCalls();
    expect((await query('m_revoking')).body.errors?.[0]?.extensions?.['code']).toBe('MERCHANT_NOT_AUTHORIZED');
    expect(stack.simulator.callCount()).toBe(0);

    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'authorized', REVOKING_APP)).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(REVOKING_APP));
    expect((await query('m_revoking')).body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'revoking-4d5e6f' })]);
  });

  it('handles a push once: a copy replayed within the timestamp window is acknowledged and changes nothing', async () => {
    const revocation = buildPush(PUSH_KEYS, COMPONENT.appId, { InfoType: 'unauthorized', AuthorizerAppid: REVOKING_APP });
    expect(await push(revocation)).toMatchObject({ status: 200, text: 'success' });
    expect((await query('m_revoking')).body.errors?.[0]?.extensions?.['code']).toBe('MERCHANT_NOT_AUTHORIZED');
    expect(await stack.simulator.pushes.pushAuthorizationEvent(target(), 'authorized', REVOKING_APP)).toEqual({ status: 200, text: 'success' });
    registerSecrets(stack.simulator.currentRefreshToken(REVOKING_APP));

    // The captured revocation, sent again after the merchant authorized anew.
    expect(await push(revocation)).toMatchObject({ status: 200, text: 'success' });
    expect((await query('m_revoking')).body.data._entities[0].cloudEnvironments).toEqual([expect.objectContaining({ env: 'revoking-4d5e6f' })]);
    expect(logLines()).toContain('WeChat push already handled');
  });

  it('never logged the message token, the AES key, a ticket or a refresh token', () => {
    const text = logLines();
    for (const secret of [PUSH_KEYS.messageToken, PUSH_KEYS.encodingAesKey, COMPONENT.verifyTicket, REFUSED_TICKET, REVOKING_REFRESH_TOKEN, stack.simulator.currentRefreshToken(NEW_APP)!]) {
      expect(text).not.toContain(secret);
    }
  });
});
