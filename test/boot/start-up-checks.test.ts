/**
 * Start-up checks everything before it starts anything, in-process through the same
 * functions main.ts calls: the variables and the authorizers file are validated first,
 * every problem is named in one message, and a fatal problem leaves no simulator started
 * and no line logged.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { StartupError, checkStartup } from '../../src/start-up.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { captureLogs } from '../support/log-capture.js';
import { PRODUCTION } from '../support/config-problems.js';
import { registerSecrets } from '../support/suite-capture.js';

const TOKEN = 'tok-BOOT-SECRET-4c1d9e';
const REFRESH_TOKEN = 'refresh-BOOT-SECRET-8a2f';
registerSecrets(TOKEN, REFRESH_TOKEN);

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'start-up-checks-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function authorizersFile(name: string, merchants: unknown[]): Promise<string> {
  const file = join(directory, `${name}.json`);
  await writeFile(file, JSON.stringify({ merchants }));
  return file;
}

/** Two bad entries: an appid that is not one, and a merchant listed twice. */
const badEntries = [
  { merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerAccessToken: TOKEN },
  { merchantId: 'm_2', authorizerAppId: 'not-an-appid', authorizerAccessToken: TOKEN },
  { merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerAccessToken: TOKEN },
];

async function startupError(env: NodeJS.ProcessEnv): Promise<StartupError> {
  const error = await checkStartup(env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StartupError);
  return error as StartupError;
}

describe('start-up checks', () => {
  it('names every problem of the variables and of AUTHORIZERS_FILE in one message', async () => {
    const file = await authorizersFile('bad-entries', badEntries);
    const { message, problems } = await startupError({ ...PRODUCTION, PORT: 'abc', WECHAT_TIMEOUT_MS: '-5', AUTHORIZERS_FILE: file });
    expect(problems).toHaveLength(4);
    expect(message).toMatch(/PORT must be a whole number/);
    expect(message).toMatch(/WECHAT_TIMEOUT_MS must be a whole number/);
    expect(message).toContain(`AUTHORIZERS_FILE ${file}: merchants[1] (merchantId "m_2"): authorizerAppId must be "wx" followed by 16 lowercase hex digits`);
    expect(message).toContain(`AUTHORIZERS_FILE ${file}: merchants[2] (merchantId "m_1"): merchantId is already listed at merchants[0]`);
    expect(message).not.toContain(TOKEN);
  });

  it('names an unreadable AUTHORIZERS_FILE beside a bad variable', async () => {
    const missing = join(directory, 'missing.json');
    const { problems } = await startupError({ ...PRODUCTION, LOG_LEVEL: 'loud', AUTHORIZERS_FILE: missing });
    expect(problems).toEqual([expect.stringMatching(/^LOG_LEVEL must be one of/), `AUTHORIZERS_FILE ${missing}: cannot be read (ENOENT)`]);
  });

  it('checks the file beside a bad variable as TOKEN_SOURCE says: in platform mode entries carry no token', async () => {
    const file = await authorizersFile('platform-with-bad-variable', [{ merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerAccessToken: TOKEN }]);
    const platform = { TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'http://127.0.0.1:1/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'platform-secret' };
    const { problems } = await startupError({ ...PRODUCTION, PORT: 'abc', AUTHORIZERS_FILE: file, ...platform });
    expect(problems).toEqual([expect.stringMatching(/^PORT must be a whole number/), expect.stringContaining('with TOKEN_SOURCE=platform the platform owns the tokens')]);
    expect(problems.join('\n')).not.toContain(TOKEN);
  });

  it('names refresh-token entries without component credentials beside the file’s other problems', async () => {
    const file = await authorizersFile('refresh-without-component', [
      { merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerRefreshToken: REFRESH_TOKEN },
      { merchantId: 'm_2', authorizerAppId: 'wx0123456789abcdee', authorizerRefreshToken: REFRESH_TOKEN, authorizerAccessToken: 'fixed' },
    ]);
    const { problems } = await startupError({ ...PRODUCTION, AUTHORIZERS_FILE: file });
    expect(problems).toEqual([
      expect.stringContaining('merchants[1] (merchantId "m_2"): give at most one of authorizerRefreshToken'),
      `AUTHORIZERS_FILE ${file}: entries without authorizerAccessToken need WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET to mint access tokens`,
    ]);
    expect(problems.join('\n')).not.toContain(REFRESH_TOKEN);
  });

  it('names entries with no token (the event receiver stores their refresh token) without component credentials', async () => {
    const file = await authorizersFile('receiver-without-component', [{ merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef' }]);
    const { problems } = await startupError({ ...PRODUCTION, AUTHORIZERS_FILE: file });
    expect(problems).toEqual([`AUTHORIZERS_FILE ${file}: entries without authorizerAccessToken need WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET to mint access tokens`]);
  });

  it('needs no component credentials in platform mode, whose entries carry no token', async () => {
    const file = await authorizersFile('platform-entries', [{ merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef' }]);
    const env = { ...PRODUCTION, AUTHORIZERS_FILE: file, TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'http://127.0.0.1:1/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'platform-secret' };
    const { plan } = await checkStartup(env);
    expect(plan).toMatchObject({ entries: [{ merchantId: 'm_1' }], component: undefined });
    const withToken = await authorizersFile('platform-entries-with-token', [{ merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerAccessToken: 'fixed' }]);
    const { problems } = await startupError({ ...env, AUTHORIZERS_FILE: withToken });
    expect(problems).toEqual([expect.stringContaining('with TOKEN_SOURCE=platform the platform owns the tokens')]);
  });

  it('passes production with MERCHANT_AUTHORIZER_FIELD and the platform’s token service alone: no authorizers file, no Redis, no component', async () => {
    const env = { ...PRODUCTION, MERCHANT_AUTHORIZER_FIELD: 'wechatAppId', TOKEN_SOURCE: 'platform', PLATFORM_TOKEN_URL: 'http://127.0.0.1:1/{authorizerAppId}', PLATFORM_TOKEN_SECRET: 'platform-secret' };
    const { config, plan } = await checkStartup(env);
    expect({ redis: config.store.redis, field: config.merchantAuthorizerField }).toEqual({ redis: undefined, field: 'wechatAppId' });
    expect(plan).toMatchObject({ entries: [], authorizersFile: undefined, component: undefined, simulator: undefined });
  });

  it('needs no component credentials when every entry has a fixed access token', async () => {
    const file = await authorizersFile('fixed-tokens', [badEntries[0]]);
    const { config, plan } = await checkStartup({ ...PRODUCTION, AUTHORIZERS_FILE: file });
    expect(config.component).toBeUndefined();
    expect(plan).toMatchObject({ entries: [badEntries[0]], component: undefined, simulator: undefined });
  });

  it('starts no simulator and logs nothing in demo mode when the authorizers file is bad', async () => {
    const file = await authorizersFile('bad-demo', badEntries);
    const logs = captureLogs('debug');
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', AUTHORIZERS_FILE: file });
    expect(config.demo).toBe(true);
    await expect(startSubgraph(config, logs.logger)).rejects.toThrow(/merchants\[1\] \(merchantId "m_2"\)/);
    expect(logs.lines).toEqual([]);
  });

  it('starts the demo, simulator included, once everything checks out', async () => {
    const { config, plan } = await checkStartup({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    expect(plan.simulator).toBeDefined();
    const subgraph = await startSubgraph(config, captureLogs('silent').logger, plan);
    try {
      expect(subgraph.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { body } = await postGraphQL(subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') });
      expect(body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
    } finally {
      await subgraph.close();
    }
  });
});
