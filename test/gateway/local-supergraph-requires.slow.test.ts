/**
 * `npm run supergraph` with MERCHANT_AUTHORIZER_FIELD: the merchants stand-in serves each
 * demo merchant's appid under the field, Hive Gateway sends it with the representations,
 * and the subgraph answers from it, m_3001 (no mini program) included.
 */
import { NOT_IN_REGISTRY } from '../../src/errors/error-codes.js';
import { afterEach, describe, expect, it } from 'vitest';
import { postGraphQL } from '../support/graphql-http.js';
import { spawnLocalSupergraph } from '../support/spawn-local-supergraph.js';
import { type SpawnedSubgraph, waitForOutput } from '../support/spawn-subgraph.js';

describe('npm run supergraph with MERCHANT_AUTHORIZER_FIELD=wechatAppId', () => {
  let running: SpawnedSubgraph | undefined;
  afterEach(() => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
  });

  it('serves every demo merchant from the appid the merchants stand-in gives, and stops on SIGTERM with exit 0', { timeout: 120_000 }, async () => {
    running = spawnLocalSupergraph({ SUPERGRAPH_PORT: '0', CLOUD_ENVIRONMENTS_PORT: '0', MERCHANTS_PORT: '0', LOG_LEVEL: 'warn', MERCHANT_AUTHORIZER_FIELD: 'wechatAppId' });
    const [, url = ''] = await waitForOutput(running, /Supergraph ready: (http:\/\/\S+)/, 90_000);

    const { body } = await postGraphQL(url, '{ merchants { id wechatAppId cloudEnvironments { env } } }');
    const merchants: Array<{ id: string; wechatAppId: string | null; cloudEnvironments: unknown[] | null }> = body.data.merchants;
    expect(merchants[0]).toMatchObject({ id: 'm_1001', wechatAppId: 'wx5f3c0a1b2c3d4e5f', cloudEnvironments: expect.arrayContaining([{ env: 'prod-7g3k9d' }]) });
    expect(merchants.at(-1)).toEqual({ id: 'm_3001', wechatAppId: null, cloudEnvironments: null });
    expect(body.errors?.find((error) => error.extensions?.['merchantId'] === 'm_3001')).toMatchObject({
      path: ['merchants', 8, 'cloudEnvironments'],
      message: NOT_IN_REGISTRY.message,
      extensions: { code: 'MERCHANT_NOT_AUTHORIZED' },
    });

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });
});
