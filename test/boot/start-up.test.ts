/**
 * Start-up as a user meets it: with nothing configured the subgraph runs on the
 * embedded simulator and says so; a bad configuration or authorizers file stops it
 * with a message naming the problem, and never echoes a token.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { spawnSubgraph, waitForOutput } from '../support/spawn-subgraph.js';

async function authorizersFile(content: unknown): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'authorizers-')), 'authorizers.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('start-up', () => {
  it('runs on the embedded simulator when nothing is configured, and stops on SIGTERM', async () => {
    const subgraph = spawnSubgraph({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development' });
    try {
      const [, url] = await waitForOutput(subgraph, /subgraph ready at (http:\/\/\S+\/graphql)/);
      expect(subgraph.output()).toMatch(/demo mode: WECHAT_API_BASE_URL is unset, so WeChat is the embedded simulator/);
      const { body } = await postGraphQL(url!, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001', 'm_2002') });
      expect(body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('PERMISSION_SET_NOT_GRANTED');
      // Sandbox opens on the _entities query a gateway sends, for the demo merchants.
      const landing = await (await fetch(url!, { headers: { accept: 'text/html' } })).text();
      expect(landing).toMatch(/embeddable-sandbox/i);
      expect(landing).toMatch(/"document":"[^"]*_entities\(representations: \$representations\)/);
      expect(landing).toContain('{"__typename":"Merchant","id":"m_1001"}');
    } finally {
      subgraph.child.kill('SIGTERM');
    }
    expect(await subgraph.exited).toBe(0);
  });

  it('stops with every configuration problem named', async () => {
    const subgraph = spawnSubgraph({ PORT: 'abc', WECHAT_TIMEOUT_MS: '-5', WECHAT_API_BASE_URL: 'ftp://example' });
    expect(await subgraph.exited).toBe(1);
    const output = subgraph.output();
    expect(output).toMatch(/PORT must be a whole number/);
    expect(output).toMatch(/WECHAT_TIMEOUT_MS must be a whole number/);
    expect(output).toMatch(/WECHAT_API_BASE_URL must be an http\(s\) origin/);
  });

  it('stops when AUTHORIZERS_FILE has a bad entry, naming the file and the entry but not the token', async () => {
    const file = await authorizersFile({
      merchants: [
        { merchantId: 'm_1', authorizerAppId: 'wx0123456789abcdef', authorizerAccessToken: 'tok-secret-1' },
        { merchantId: 'm_2', authorizerAppId: 'not-an-appid', authorizerAccessToken: 'tok-secret-2' },
      ],
    });
    const subgraph = spawnSubgraph({ PORT: '0', NODE_ENV: 'production', AUTHORIZERS_FILE: file });
    expect(await subgraph.exited).toBe(1);
    const output = subgraph.output();
    expect(output).toContain(file);
    expect(output).toMatch(/merchants\[1\] \(merchantId "m_2"\): authorizerAppId must be "wx" followed by 16 lowercase hex digits/);
    expect(output).not.toMatch(/tok-secret/);
  });

  it('stops when AUTHORIZERS_FILE is not JSON', async () => {
    const file = await authorizersFile('{ "merchants": [ ');
    const subgraph = spawnSubgraph({ PORT: '0', NODE_ENV: 'production', AUTHORIZERS_FILE: file });
    expect(await subgraph.exited).toBe(1);
    expect(subgraph.output()).toMatch(new RegExp(`AUTHORIZERS_FILE ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is not valid JSON`));
  });

  it('stops, naming Redis, when REDIS_URL cannot be reached', async () => {
    const subgraph = spawnSubgraph({ PORT: '0', NODE_ENV: 'production', ALLOW_OPEN_ACCESS: 'true', REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0' });
    expect(await subgraph.exited).toBe(1);
    expect(subgraph.output()).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0/);
    expect(subgraph.output()).not.toContain('hunter2');
  });

  it('requires AUTHORIZERS_FILE in production', async () => {
    const subgraph = spawnSubgraph({ PORT: '0', NODE_ENV: 'production' });
    expect(await subgraph.exited).toBe(1);
    expect(subgraph.output()).toMatch(/AUTHORIZERS_FILE is required in production/);
  });
});
