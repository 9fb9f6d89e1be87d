/**
 * Durable writes wait for a replica, on a private master and replica: a write without a TTL
 * (or a durable hash field) is followed by one WAIT where the master has a replica online,
 * and by none where it has not (seen in the master's own command counts); a replica that
 * stops acknowledging makes such a write an UnacknowledgedWriteError, logged, which the
 * mint accepts (the field still answers), and the CLI and the ticket receiver do not (the
 * operator is told; WeChat pushes the ticket again).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAuthorizersCommand } from '../../src/cli/authorizers-command.js';
import { StoreUnavailableError, UnacknowledgedWriteError } from '../../src/store/key-value-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { onlineReplicas } from '../../src/store/replica-watch.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { type CapturedLogger, captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, appIdOf, testMerchants } from '../support/merchants.js';
import { uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';
import { buildPush, postPush } from '../support/wechat-push.js';

const CHECK_INTERVAL_MS = 100;

describe('onlineReplicas', () => {
  it('counts the replicas INFO replication lists as online, on a master only', () => {
    const info = 'role:master\r\nconnected_slaves:2\r\nslave0:ip=10.0.0.2,port=6379,state=online,offset=42,lag=0\r\nslave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0,lag=0\r\n';
    expect(onlineReplicas(info)).toBe(1);
    expect(onlineReplicas('role:slave\r\nmaster_host:10.0.0.1\r\n')).toBe(0);
    expect(onlineReplicas('role:master\r\nconnected_slaves:0\r\n')).toBe(0);
  });
});

describeWithRedisServer('durable writes on a master with a replica', () => {
  let directory: string;
  let master: PrivateRedisServer;
  let replica: PrivateRedisServer;
  let admin: Redis;
  let logs: CapturedLogger;
  let store: RedisStore;
  const prefix = uniquePrefix('acks');

  /** How many WAITs the master has run. */
  const waits = async () => Number(/cmdstat_wait:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);

  async function until(condition: () => Promise<boolean>, what: string, withinMs = 20 * CHECK_INTERVAL_MS + 5_000) {
    const deadline = Date.now() + withinMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`${what} within ${withinMs} ms`);
      await sleep(20);
    }
  }
  const replicaOnline = async () => onlineReplicas(await admin.info('replication')) === 1;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'acks-'));
    // No 5 s wait for more replicas before a full sync.
    master = new PrivateRedisServer(await freePort(), directory, { args: ['--repl-diskless-sync-delay', '0'] });
    await master.start();
    replica = new PrivateRedisServer(await freePort(), directory, { args: ['--appendfilename', 'replica.aof', '--replicaof', '127.0.0.1', String(master.port)] });
    await replica.start();
    admin = new Redis(master.url);
    await until(replicaOnline, 'the replica did not come online');
    // Synced and acknowledging: the first WAIT after a full sync can take a second.
    await until(async () => (await admin.set(`${prefix}warm`, '1')) === 'OK' && (await admin.wait(1, 200)) === 1, 'the replica did not acknowledge');
    logs = captureLogs();
    store = await RedisStore.connect({ topology: { kind: 'node', url: master.url }, logger: logs.logger, replicaAckTimeoutMs: 300, replicaCheckIntervalMs: CHECK_INTERVAL_MS });
  });

  afterEach(() => {
    if (replica.pid !== undefined) replica.signal('SIGCONT');
  });

  afterAll(async () => {
    admin?.disconnect();
    await store?.close();
    await replica?.stop();
    await master?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('waits for the replica after a write without a TTL and a durable hash field, and only after those', async () => {
    const before = await waits();
    await store.set(`${prefix}refresh-token`, 'kept');
    await store.hashSet(`${prefix}merchants`, 'm_1', 'wx1');
    expect(await waits()).toBe(before + 2);

    await store.set(`${prefix}access-token`, 'cached', { ttlMs: 60_000 });
    await store.hashSet(`${prefix}held-back`, 'wx1', '{}', { durable: false });
    await store.get(`${prefix}refresh-token`);
    expect(await waits()).toBe(before + 2);
  });

  it('fails a durable write no replica acknowledged in time, logging it, though the master holds the value', async () => {
    replica.signal('SIGSTOP'); // connected, but acknowledging nothing
    const key = `${prefix}ticket`;
    const failure = await store.set(key, 'ticket@@@unacknowledged').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnacknowledgedWriteError);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(/no replica acknowledged the write of test:acks:.*ticket within 300 ms/);
    expect(await admin.get(key)).toBe('ticket@@@unacknowledged');
    expect(logs.lines.filter((line) => line.includes('no replica acknowledged a durable write in time'))).toHaveLength(1);

    // Writes that need no replica are unaffected.
    expect(await store.set(`${prefix}cache`, 'x', { ttlMs: 1_000 })).toBe(true);
  });

  it('stops waiting once the master has no replica, and waits again when it has one', async () => {
    const replicaAdmin = new Redis(replica.url);
    await replicaAdmin.call('REPLICAOF', 'NO', 'ONE');
    await until(async () => !(await replicaOnline()), 'the master still listed its replica');
    await sleep(3 * CHECK_INTERVAL_MS); // the store's next look at INFO replication
    const before = await waits();
    await store.set(`${prefix}refresh-token`, 'alone');
    expect(await waits()).toBe(before);

    await replicaAdmin.call('REPLICAOF', '127.0.0.1', String(master.port));
    replicaAdmin.disconnect();
    await until(replicaOnline, 'the replica did not come back online');
    await until(async () => {
      const seen = await waits();
      // The first WAIT after a full sync may time out; that it was sent is what counts here.
      await store.set(`${prefix}refresh-token`, 'replicated').catch(() => undefined);
      return (await waits()) > seen;
    }, 'durable writes did not wait for the replica again');
  });

  describe('as the callers take it', () => {
    const { authorizers, entries } = testMerchants([{ merchantId: 'm_1', authorizer: 'a1' }], 'refresh');

    it('answers the field when the refresh token the mint brought was not acknowledged, having stored and logged it', async () => {
      const stack = await startSubgraphStack({
        simulator: { authorizers, component: TEST_COMPONENT, rotateRefreshTokens: true },
        merchants: entries,
        env: { REDIS_URL: master.url, WECHAT_REDIS_PREFIX: `${prefix}subgraph:` },
      });
      try {
        await until(replicaOnline, 'the replica is not online');
        replica.signal('SIGSTOP');
        const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1') });
        expect(body.errors).toBeUndefined();
        expect(body.data._entities[0].cloudEnvironments).toHaveLength(1);
        const appId = appIdOf(entries, 'm_1');
        const rotated = stack.simulator.currentRefreshToken(appId);
        registerSecrets(rotated);
        expect(await admin.get(`${prefix}subgraph:authorizer:${appId}:refresh-token`)).toBe(rotated);
        expect(stack.logs.lines.filter((line) => line.includes('no replica acknowledged a durable write in time'))).toHaveLength(1);
      } finally {
        await stack.stop();
      }
    });

    it('answers a ticket push whose ticket no replica acknowledged with an error, so that WeChat pushes it again', async () => {
      const keys = { messageToken: 'acksMessageToken7', encodingAesKey: randomBytes(32).toString('base64').slice(0, 43) };
      const ticket = 'ticket@@@acknowledged-only-later';
      registerSecrets(keys.messageToken, keys.encodingAesKey, ticket);
      const stack = await startSubgraphStack({
        simulator: { authorizers, component: TEST_COMPONENT },
        merchants: entries,
        env: {
          REDIS_URL: master.url,
          WECHAT_REDIS_PREFIX: `${prefix}events:`,
          WECHAT_COMPONENT_MESSAGE_TOKEN: keys.messageToken,
          WECHAT_COMPONENT_ENCODING_AES_KEY: keys.encodingAesKey,
        },
      });
      const eventsUrl = stack.subgraph.url.replace(/\/graphql$/, '/wechat/component/events');
      const push = () => postPush(eventsUrl, buildPush(keys, TEST_COMPONENT.appId, { InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket }));
      try {
        await until(replicaOnline, 'the replica is not online');
        replica.signal('SIGSTOP');
        expect((await push()).status).toBe(503); // the store is unavailable, as far as this push goes
        replica.signal('SIGCONT');
        await until(async () => (await push()).text === 'success', 'the repeated push was not accepted');
        const onReplica = new Redis(replica.url);
        const stored = await onReplica.get(`${prefix}events:component:ticket`).finally(() => onReplica.disconnect());
        expect(JSON.parse(stored!)).toMatchObject({ ticket });
      } finally {
        await stack.stop();
      }
    });

    it('has the CLI exit 1 saying the registration was not acknowledged, so the operator runs it again', async () => {
      await until(replicaOnline, 'the replica is not online');
      replica.signal('SIGSTOP');
      let stderr = '';
      const code = await runAuthorizersCommand(
        ['add', 'm_2', 'wx00000000000000b2'],
        { stdin: Readable.from(['']), stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } },
        { REDIS_URL: master.url, WECHAT_REDIS_PREFIX: `${prefix}cli:` },
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/^authorizers: The token store is unavailable: no replica acknowledged the write of .*merchants within 500 ms/);
    });
  });
});
