/**
 * The operator's `npm run authorizers` CLI against the real Redis, run in-process through
 * its command function (one spawned run checks the process around it): what it prints,
 * how it exits, what it leaves in Redis, that it never replaces or loses a refresh token
 * without being told, never shows one, and that a subgraph with no AUTHORIZERS_FILE
 * serves the merchants it registered.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/authorizers-command.js';
import { cli, spawnCli } from '../support/authorizers-cli.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, environment } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { registerSecrets } from '../support/suite-capture.js';

const APP_ID = 'wx5f3c0a1b2c3d4e5f';
const OTHER_APP_ID = 'wx00000000000000a1';
const REFRESH_TOKEN = 'refresh-secret-from-the-operator-8c21';
const OTHER_REFRESH_TOKEN = 'another-refresh-secret-77';

registerSecrets(REFRESH_TOKEN, OTHER_REFRESH_TOKEN);

describeWithRedis('the authorizers CLI', () => {
  let redis: Redis;
  let prefixes: string[] = [];
  let stacks: SubgraphStack[] = [];

  /** A prefix of its own for each test, with the CLI's environment for it. */
  function isolated() {
    const prefix = uniquePrefix('cli');
    prefixes.push(prefix);
    const env = { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix };
    const refreshKey = (appId: string) => `${prefix}authorizer:${appId}:refresh-token`;
    return { prefix, env, refreshKey, run: (args: readonly string[], stdin?: string) => cli(args, env, stdin) };
  }

  beforeAll(() => {
    redis = new Redis(REDIS_TEST_URL);
  });

  afterEach(async () => {
    await Promise.all(stacks.map((stack) => stack.stop()));
    await Promise.all(prefixes.map((prefix) => deletePrefix(prefix)));
    stacks = [];
    prefixes = [];
  });

  afterAll(() => {
    redis.disconnect();
  });

  it('runs as its own process: reads the refresh token from stdin, registers it durably, and exits 0', async () => {
    const { prefix, env, refreshKey } = isolated();
    const added = await spawnCli(['add', 'm_9', APP_ID, '--refresh-token', '-'], env, `${REFRESH_TOKEN}\n`);

    expect(added).toEqual({ code: 0, stdout: `registered m_9 → ${APP_ID}\nrefresh token stored for ${APP_ID}\n`, stderr: '' });
    expect(await redis.hget(`${prefix}merchants`, 'm_9')).toBe(APP_ID);
    expect(await redis.get(refreshKey(APP_ID))).toBe(REFRESH_TOKEN);
    expect(await redis.pttl(refreshKey(APP_ID))).toBe(-1);
    expect((await spawnCli(['--help'], {})).code).toBe(0);
  }, 30_000);

  it('registers a merchant and its refresh token given on the command line, durably', async () => {
    const { prefix, run, refreshKey } = isolated();
    expect(await run(['add', 'm_9', APP_ID, '--refresh-token', REFRESH_TOKEN])).toEqual({ code: 0, stdout: `registered m_9 → ${APP_ID}\nrefresh token stored for ${APP_ID}\n`, stderr: '' });
    expect(await redis.get(refreshKey(APP_ID))).toBe(REFRESH_TOKEN);
    expect(await redis.pttl(`${prefix}merchants`)).toBe(-1);
  });

  it('registers a merchant without a refresh token, saying the event receiver will store it', async () => {
    const { prefix, run, refreshKey } = isolated();
    const added = await run(['add', 'm_9', APP_ID]);
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`registered m_9 → ${APP_ID}\nno refresh token is stored for ${APP_ID} yet: the event receiver stores it when the authorizer's authorized push arrives\n`);
    expect(await redis.hget(`${prefix}merchants`, 'm_9')).toBe(APP_ID);
    expect(await redis.exists(refreshKey(APP_ID))).toBe(0);
  });

  it('refuses to replace a different stored refresh token, says what is stored without showing it, and changes nothing', async () => {
    const { prefix, run, refreshKey } = isolated();
    await run(['add', 'm_1', APP_ID, '--refresh-token', REFRESH_TOKEN]);

    const refused = await run(['add', 'm_2', APP_ID, '--refresh-token', OTHER_REFRESH_TOKEN]);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `refused: a refresh token is stored for ${APP_ID} (used by m_1) and differs from the one given; a replaced refresh token cannot be recovered.\nNothing was changed. Add --replace to do it anyway.\n`,
    );
    expect(await redis.get(refreshKey(APP_ID))).toBe(REFRESH_TOKEN);
    expect(await redis.hget(`${prefix}merchants`, 'm_2')).toBeNull();
  });

  it('adds another merchant to an authorizer with the same refresh token, or none, without complaint', async () => {
    const { run, refreshKey } = isolated();
    await run(['add', 'm_1', APP_ID, '--refresh-token', REFRESH_TOKEN]);
    expect(await run(['add', 'm_2', APP_ID, '--refresh-token', REFRESH_TOKEN])).toMatchObject({ code: 0, stdout: `registered m_2 → ${APP_ID}\nthe refresh token stored for ${APP_ID} is unchanged\n` });
    expect(await run(['add', 'm_3', APP_ID])).toMatchObject({ code: 0, stdout: `registered m_3 → ${APP_ID}\na refresh token is stored for ${APP_ID}\n` });
    expect(await redis.get(refreshKey(APP_ID))).toBe(REFRESH_TOKEN);
  });

  it('replaces a stored refresh token with --replace, and says so', async () => {
    const { run, refreshKey } = isolated();
    await run(['add', 'm_1', APP_ID, '--refresh-token', REFRESH_TOKEN]);
    const replaced = await run(['add', 'm_1', APP_ID, '--refresh-token', OTHER_REFRESH_TOKEN, '--replace']);
    expect(replaced).toEqual({ code: 0, stdout: `registered m_1 → ${APP_ID}\nreplaced the refresh token stored for ${APP_ID}\n`, stderr: '' });
    expect(await redis.get(refreshKey(APP_ID))).toBe(OTHER_REFRESH_TOKEN);
  });

  it('refuses to move a merchant to another authorizer unless --replace, and then deletes the old refresh token nobody uses', async () => {
    const { prefix, run, refreshKey } = isolated();
    await run(['add', 'm_1', APP_ID, '--refresh-token', REFRESH_TOKEN]);

    const refused = await run(['add', 'm_1', OTHER_APP_ID, '--refresh-token', OTHER_REFRESH_TOKEN]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`refused: m_1 is registered to ${APP_ID}; adding it to ${OTHER_APP_ID} would move it.\nNothing was changed. Add --replace to do it anyway.\n`);
    expect(await redis.hget(`${prefix}merchants`, 'm_1')).toBe(APP_ID);
    expect(await redis.exists(refreshKey(OTHER_APP_ID))).toBe(0);

    const moved = await run(['add', 'm_1', OTHER_APP_ID, '--refresh-token', OTHER_REFRESH_TOKEN, '--replace']);
    expect(moved).toEqual({
      code: 0,
      stdout: `moved m_1 from ${APP_ID} to ${OTHER_APP_ID}\nno merchant uses ${APP_ID} any more, so its refresh token was deleted\nrefresh token stored for ${OTHER_APP_ID}\n`,
      stderr: '',
    });
    expect(await redis.hget(`${prefix}merchants`, 'm_1')).toBe(OTHER_APP_ID);
    expect(await redis.exists(refreshKey(APP_ID))).toBe(0);
  });

  it('lists the registered merchants without ever printing a refresh token', async () => {
    const { run } = isolated();
    expect((await run(['list'])).stdout).toBe('no merchants registered\n');
    await run(['add', 'm_9', APP_ID, '--refresh-token', REFRESH_TOKEN]);
    await run(['add', 'm_10', OTHER_APP_ID]);

    const listed = await run(['list']);

    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`m_10\t${OTHER_APP_ID}\tNO refresh token\nm_9\t${APP_ID}\trefresh token stored\n`);
    expect(listed.stdout + listed.stderr).not.toContain(REFRESH_TOKEN);
  });

  it('removes a merchant, keeping the refresh token while another merchant uses it and deleting it after the last', async () => {
    const { prefix, run, refreshKey } = isolated();
    await run(['add', 'm_1', APP_ID, '--refresh-token', REFRESH_TOKEN]);
    await run(['add', 'm_2', APP_ID]);

    expect(await run(['remove', 'm_1'])).toEqual({ code: 0, stdout: `removed m_1\nthe refresh token for ${APP_ID} stays: m_2 still use it\n`, stderr: '' });
    expect(await redis.get(refreshKey(APP_ID))).toBe(REFRESH_TOKEN);
    expect(await run(['remove', 'm_2'])).toEqual({ code: 0, stdout: `removed m_2\nno merchant uses ${APP_ID} any more, so its refresh token was deleted\n`, stderr: '' });
    expect(await redis.exists(refreshKey(APP_ID), `${prefix}merchants`)).toBe(0);
    expect(await run(['remove', 'm_2'])).toEqual({ code: 0, stdout: 'm_2 was not registered\n', stderr: '' });
  });

  it.each([['--help'], ['-h'], ['add', '--help']])('prints the usage and exits 0 for %s', async (...args) => {
    const { run } = isolated();
    expect(await run(args)).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    expect(USAGE).toMatch(/^usage:\n/);
    expect(USAGE).not.toMatch(/['"]/); // nothing to unbalance
  });

  it.each([
    ['no command', [], /^usage:/],
    ['an unknown command', ['rename', 'm_9'], /^unknown command "rename"\nusage:/],
    ['add without an appid', ['add', 'm_9'], /^add needs <merchantId> <authorizerAppId>\nusage:/],
    ['remove without a merchant id', ['remove'], /^remove needs <merchantId>\nusage:/],
    ['an extra argument to add', ['add', 'm_9', APP_ID, 'extra'], /^add takes 2 argument\(s\), got 3\nusage:/],
    ['an extra argument to remove', ['remove', 'm_9', 'm_10'], /^remove takes 1 argument\(s\), got 2\nusage:/],
    ['an argument to list', ['list', 'everything'], /^list takes 0 argument\(s\), got 1\nusage:/],
    ['--replace with remove', ['remove', 'm_9', '--replace'], /^--refresh-token and --replace go with add only\nusage:/],
    ['--refresh-token without its value', ['add', 'm_9', APP_ID, '--refresh-token'], /^Option '--refresh-token <value>' argument missing\nusage:/],
    ['an unknown option', ['list', '--all'], /^Unknown option '--all'.*\nusage:/],
    ['an empty merchant id', ['add', '', APP_ID], /^merchantId \(argument 0 characters long\): merchantId must not be empty\n$/],
    ['a merchant id over 128 characters', ['remove', 'm'.repeat(129)], /^merchantId \(argument 129 characters long\): merchantId must be at most 128 characters\n$/],
    ['a malformed appid', ['add', 'm_9', 'WX5F3C0A1B2C3D4E5F'], /^authorizerAppId \(argument 18 characters long\): authorizerAppId must be "wx" followed by 16 lowercase hex digits\n$/],
  ])('exits 2 saying what is wrong for %s, and changes nothing', async (_what, args, message) => {
    const { prefix, run } = isolated();
    const result = await run(args as string[]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('never echoes an argument that may be a token: a refresh token given without --refresh-token, or in the appid\'s place', async () => {
    const { run } = isolated();
    const token = 'refresh-token-given-by-mistake-0123456789';
    for (const args of [['add', 'm_9', APP_ID, token], ['add', 'm_9', token]]) {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    }
  });

  it('exits 2 when the refresh token piped in is empty, and registers nothing', async () => {
    const { prefix, run } = isolated();
    const result = await run(['add', 'm_9', APP_ID, '--refresh-token', '-'], '\n');

    expect(result).toEqual({ code: 2, stdout: '', stderr: 'the refresh token must be printable ASCII without spaces\n' });
    expect(await redis.exists(`${prefix}merchants`)).toBe(0);
  });

  it('exits 2 pointing to AUTHORIZERS_FILE when no Redis store is configured', async () => {
    const result = await cli(['list'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^No Redis store is configured \(REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES\): .*AUTHORIZERS_FILE/);
  });

  it('exits 1 naming Redis, but not its password, when Redis cannot be reached', async () => {
    const result = await cli(['list'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('registers a merchant that a subgraph without AUTHORIZERS_FILE then serves, until it is removed', async () => {
    const { env, run } = isolated();
    expect((await run(['add', 'm_9', APP_ID, '--refresh-token', '-'], REFRESH_TOKEN)).code).toBe(0);
    const stack = await startSubgraphStack({
      simulator: { authorizers: [{ appId: APP_ID, refreshToken: REFRESH_TOKEN, environments: [environment('cli-4f1a2b')] }], component: TEST_COMPONENT },
      // An empty AUTHORIZERS_FILE counts as unset: the registry is only what the CLI put in Redis.
      env: { ...env, AUTHORIZERS_FILE: '' },
    });
    stacks.push(stack);
    const query = (...ids: string[]) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...ids) });

    const served = await query('m_9', 'm_1001');

    expect(served.body.data._entities[0]).toEqual({ id: 'm_9', cloudEnvironments: [expect.objectContaining({ env: 'cli-4f1a2b', alias: 'cli', status: 'NORMAL' })] });
    // The demo file was not loaded behind our back.
    expect(served.body.data._entities[1]).toEqual({ id: 'm_1001', cloudEnvironments: null });
    expect(served.body.errors?.map((error) => error.extensions?.['code'])).toEqual(['MERCHANT_NOT_AUTHORIZED']);

    expect((await run(['remove', 'm_9'])).code).toBe(0);
    const removed = await query('m_9');
    expect(removed.body.errors?.[0]?.extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_9' });
  }, 30_000);
});
