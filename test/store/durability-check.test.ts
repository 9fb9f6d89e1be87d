/**
 * Start-up's check of the Redis persistence and eviction settings, against private
 * redis-servers set each way (CONFIG SET between cases): a Redis that keeps nothing on disk,
 * or evicts keys without a TTL, stops a production start naming the setting, its value and
 * why; warn logs it in one line; a Redis that hides CONFIG is warned about, never refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DurabilityCheck } from '../../src/config/index.js';
import { DurabilityError, checkDurability } from '../../src/store/durability-check.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { captureLogs } from '../support/log-capture.js';
import { TEST_COMPONENT, testMerchants } from '../support/merchants.js';
import { uniquePrefix } from '../support/redis.js';
import { PrivateRedisServer, describeWithRedisServer, freePort } from '../support/redis-server.js';
import { startSubgraphStack } from '../support/stack.js';

const NOTHING_ON_DISK = 'appendonly is "no" and save is "": Redis keeps nothing on disk';
const EVICTS = 'maxmemory-policy is "allkeys-lru" (maxmemory 104857600): when memory runs out Redis evicts keys without a TTL';

describeWithRedisServer('the durability check at start-up', () => {
  let directory: string;
  let server: PrivateRedisServer;
  let hidden: PrivateRedisServer;
  let admin: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'durability-'));
    server = new PrivateRedisServer(await freePort(), join(directory));
    // A managed Redis that hides CONFIG, as ElastiCache and others do.
    hidden = new PrivateRedisServer(await freePort(), directory, { args: ['--appendonly', 'no', '--rename-command', 'CONFIG', ''] });
    await Promise.all([server.start(), hidden.start()]);
    admin = new Redis(server.url);
    store = await RedisStore.connect({ topology: { kind: 'node', url: server.url }, logger: captureLogs().logger });
  });

  afterAll(async () => {
    admin?.disconnect();
    await store?.close();
    await server?.stop();
    await hidden?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  /** Sets the server's persistence and eviction. */
  async function configure(settings: { appendonly: 'yes' | 'no'; save: string; policy: string; maxmemory: string }) {
    await admin.config('SET', 'appendonly', settings.appendonly);
    await admin.config('SET', 'save', settings.save);
    await admin.config('SET', 'maxmemory-policy', settings.policy);
    await admin.config('SET', 'maxmemory', settings.maxmemory);
  }

  async function check(mode: DurabilityCheck, on: RedisStore = store) {
    const logs = captureLogs();
    const outcome = await checkDurability({ mode, masters: on.masters(), where: on.where, logger: logs.logger }).then(
      () => undefined,
      (error: Error) => error,
    );
    return { outcome, warnings: logs.lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40) };
  }

  describe('on a Redis that keeps what it is given', () => {
    it.each([
      ['an append-only file, and a volatile-* policy, which evicts only keys with a TTL', { appendonly: 'yes', save: '', policy: 'volatile-lru', maxmemory: '100mb' }],
      ['RDB save points and noeviction', { appendonly: 'no', save: '3600 1 300 100', policy: 'noeviction', maxmemory: '100mb' }],
      ['allkeys-lru without a memory limit, which never evicts', { appendonly: 'yes', save: '', policy: 'allkeys-lru', maxmemory: '0' }],
    ] as const)('passes silently with %s', async (_case, settings) => {
      await configure(settings);
      expect(await check('fail')).toEqual({ outcome: undefined, warnings: [] });
    });
  });

  describe('on a Redis that would lose refresh tokens', () => {
    beforeEach(() => configure({ appendonly: 'no', save: '', policy: 'allkeys-lru', maxmemory: '100mb' }));

    it('stops start-up under fail, naming each setting, its value and why, and how to start anyway', async () => {
      const { outcome, warnings } = await check('fail');
      expect(outcome).toBeInstanceOf(DurabilityError);
      expect((outcome as DurabilityError).problems).toEqual([expect.stringContaining(NOTHING_ON_DISK), expect.stringContaining(EVICTS)]);
      expect(outcome!.message).toMatch(new RegExp(`^REDIS_DURABILITY_CHECK=fail: the token store \\(redis://127\\.0\\.0\\.1:${server.port}\\) would lose records that cannot be recovered:\\n  - appendonly`));
      expect(outcome!.message).toMatch(/set appendonly yes \(or RDB save points\)/);
      expect(outcome!.message).toMatch(/set noeviction, or a volatile-\* policy/);
      expect(outcome!.message).toMatch(/or set REDIS_DURABILITY_CHECK=warn to start anyway\.$/);
      expect(warnings).toEqual([]);
    });

    it('logs one warning line under warn, naming the same, and lets start-up go on', async () => {
      const { outcome, warnings } = await check('warn');
      expect(outcome).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(/^REDIS_DURABILITY_CHECK=warn: the token store would lose records that cannot be recovered: appendonly is "no"/);
      expect(warnings[0]!.msg).toContain(EVICTS);
    });

    it('is not made under off', async () => {
      expect(await check('off')).toEqual({ outcome: undefined, warnings: [] });
    });
  });

  describe('on a Redis that hides CONFIG', () => {
    it.each(['fail', 'warn'] as const)('warns once under %s, saying CONFIG is refused and what to check, and lets start-up go on', async (mode) => {
      const managed = await RedisStore.connect({ topology: { kind: 'node', url: hidden.url }, logger: captureLogs().logger });
      try {
        const { outcome, warnings } = await check(mode, managed);
        expect(outcome).toBeUndefined();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]!.msg).toMatch(new RegExp(`^REDIS_DURABILITY_CHECK=${mode}: cannot read the token store's persistence and eviction settings, as managed Redis services often refuse CONFIG; starting anyway`));
        expect(warnings[0]).toMatchObject({ err: expect.stringMatching(/unknown command/) });
      } finally {
        await managed.close();
      }
    });

    it('counts an ACL that refuses CONFIG GET as hidden too', async () => {
      await admin.call('ACL', 'SETUSER', 'subgraph', 'on', '>subgraph-password-5c1d', '~*', '&*', '+@all', '-config');
      const limited = await RedisStore.connect({ topology: { kind: 'node', url: `redis://subgraph:subgraph-password-5c1d@127.0.0.1:${server.port}` }, logger: captureLogs().logger });
      try {
        const { outcome, warnings } = await check('fail', limited);
        expect(outcome).toBeUndefined();
        expect(warnings[0]).toMatchObject({ err: expect.stringMatching(/^NOPERM/) });
      } finally {
        await limited.close();
      }
    });
  });

  describe('in a production start', () => {
    const { authorizers, entries } = testMerchants([{ merchantId: 'm_1', authorizer: 'a1' }], 'refresh');
    const start = (env: Record<string, string>) =>
      startSubgraphStack({
        simulator: { authorizers, component: TEST_COMPONENT },
        merchants: entries,
        env: { NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true', REDIS_URL: server.url, WECHAT_REDIS_PREFIX: uniquePrefix('durability'), ...env },
      });

    it('refuses a Redis that keeps nothing on disk, before writing anything to it', async () => {
      await configure({ appendonly: 'no', save: '', policy: 'noeviction', maxmemory: '0' });
      await admin.flushall();
      await expect(start({})).rejects.toThrow(/^REDIS_DURABILITY_CHECK=fail: .*\n  - appendonly is "no" and save is ""/);
      expect(await admin.dbsize()).toBe(0);
    });

    it('starts with REDIS_DURABILITY_CHECK=warn, having said so once', async () => {
      const stack = await start({ REDIS_DURABILITY_CHECK: 'warn' });
      try {
        expect(stack.logs.lines.filter((line) => line.includes('REDIS_DURABILITY_CHECK=warn'))).toHaveLength(1);
      } finally {
        await stack.stop();
      }
    });
  });
});
