/**
 * The operator's `npm run authorizers` CLI, run as its own process against the real Redis:
 * what it prints, how it exits, what it leaves in Redis, that it never shows a refresh
 * token, and that a subgraph with no AUTHORIZERS_FILE serves the merchants it registered.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, environment } from '../support/merchants.js';
import { REDIS_TEST_URL, deletePrefix, describeWithRedis, uniquePrefix } from '../support/redis.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP_ID = 'wx5f3c0a1b2c3d4e5f';
const REFRESH_TOKEN = 'refresh-secret-from-the-operator-8c21';
const USAGE = /^usage:\n {2}npm run authorizers -- add <merchantId> <authorizerAppId> --refresh-token <token \| ->/;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as an operator would; `env` replaces the environment (PATH and HOME are kept). */
function cli(args: readonly string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/authorizers.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describeWithRedis('the authorizers CLI', () => {
  let redis: Redis;
  let prefixes: string[] = [];
  let stacks: SubgraphStack[] = [];

  /** A prefix of its own for each test, with the CLI's environment for it. */
  function isolated() {
    const prefix = uniquePrefix('cli');
    prefixes.push(prefix);
    const env = { REDIS_URL: REDIS_TEST_URL, WECHAT_REDIS_PREFIX: prefix };
    return { prefix, env, run: (args: readonly string[], stdin?: string) => cli(args, env, stdin) };
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

  it('registers a merchant and its refresh token in Redis, durably', async () => {
    const { prefix, run } = isolated();
    const added = await run(['add', 'm_9', APP_ID, '--refresh-token', REFRESH_TOKEN]);

    expect(added).toEqual({ code: 0, stdout: `registered m_9 → ${APP_ID} (refresh token stored)\n`, stderr: '' });
    expect(await redis.hget(`${prefix}merchants`, 'm_9')).toBe(APP_ID);
    expect(await redis.get(`${prefix}authorizer:${APP_ID}:refresh-token`)).toBe(REFRESH_TOKEN);
    expect(await redis.pttl(`${prefix}authorizer:${APP_ID}:refresh-token`)).toBe(-1);
    expect(await redis.pttl(`${prefix}merchants`)).toBe(-1);
  }, 30_000);

  it('reads the refresh token from stdin when given as -, keeping it out of the command line', async () => {
    const { prefix, run } = isolated();
    const added = await run(['add', 'm_9', APP_ID, '--refresh-token', '-'], `${REFRESH_TOKEN}\n`);

    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`registered m_9 → ${APP_ID} (refresh token stored)\n`);
    expect(await redis.get(`${prefix}authorizer:${APP_ID}:refresh-token`)).toBe(REFRESH_TOKEN);
  }, 30_000);

  it('lists the registered merchants without ever printing a refresh token', async () => {
    const { run } = isolated();
    expect((await run(['list'])).stdout).toBe('no merchants registered\n');
    await run(['add', 'm_9', APP_ID, '--refresh-token', REFRESH_TOKEN]);
    await run(['add', 'm_10', 'wx00000000000000a1', '--refresh-token', 'another-refresh-secret-77']);

    const listed = await run(['list']);

    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`m_10\twx00000000000000a1\trefresh token stored\nm_9\t${APP_ID}\trefresh token stored\n`);
    expect(listed.stdout + listed.stderr).not.toMatch(/refresh-secret|another-refresh-secret/);
  }, 30_000);

  it('removes a merchant from the registry, and says so when it was not there', async () => {
    const { prefix, run } = isolated();
    await run(['add', 'm_9', APP_ID, '--refresh-token', REFRESH_TOKEN]);

    expect(await run(['remove', 'm_9'])).toEqual({ code: 0, stdout: 'removed m_9\n', stderr: '' });
    expect(await redis.hget(`${prefix}merchants`, 'm_9')).toBeNull();
    expect(await run(['remove', 'm_9'])).toEqual({ code: 0, stdout: 'm_9 was not registered\n', stderr: '' });
  }, 30_000);

  it.each([
    ['no command', []],
    ['an unknown command', ['rename', 'm_9']],
    ['add without an appid', ['add', 'm_9']],
    ['add without --refresh-token', ['add', 'm_9', APP_ID]],
    ['remove without a merchant id', ['remove']],
  ])('exits 2 with the usage for %s', async (_what, args) => {
    const { prefix, run } = isolated();
    const result = await run(args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(USAGE);
    expect(result.stdout).toBe('');
    expect(await redis.exists(`${prefix}merchants`)).toBe(0);
  }, 30_000);

  it('exits 2 naming the rule when the appid is malformed, and registers nothing', async () => {
    const { prefix, run } = isolated();
    const result = await run(['add', 'm_9', 'WX5F3C0A1B2C3D4E5F', '--refresh-token', REFRESH_TOKEN]);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('authorizerAppId "WX5F3C0A1B2C3D4E5F" must be "wx" followed by 16 lowercase hex digits\n');
    expect(await redis.exists(`${prefix}merchants`, `${prefix}authorizer:WX5F3C0A1B2C3D4E5F:refresh-token`)).toBe(0);
  }, 30_000);

  it('exits 2 when the refresh token piped in is empty, and registers nothing', async () => {
    const { prefix, run } = isolated();
    const result = await run(['add', 'm_9', APP_ID, '--refresh-token', '-'], '\n');

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('the refresh token must be printable ASCII without spaces\n');
    expect(await redis.exists(`${prefix}merchants`)).toBe(0);
  }, 30_000);

  it.each([
    ['--refresh-token without its value', ['add', 'm_9', APP_ID, '--refresh-token']],
    ['an unknown option', ['list', '--all']],
  ])('exits 2 with the usage for %s', async (_what, args) => {
    const { run } = isolated();
    const result = await run(args);

    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/option/i); // what was wrong, then how to call it
    expect(result.stderr).toContain('usage:\n  npm run authorizers -- add <merchantId> <authorizerAppId> --refresh-token <token | ->');
  }, 30_000);

  it('exits 2 pointing to AUTHORIZERS_FILE when REDIS_URL is not set', async () => {
    const result = await cli(['list'], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^REDIS_URL is not set: .*AUTHORIZERS_FILE/);
  }, 30_000);

  it('exits 1 naming Redis, but not its password, when Redis cannot be reached', async () => {
    const result = await cli(['list'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0' });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    expect(result.stderr).not.toContain('hunter2');
  }, 30_000);

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
