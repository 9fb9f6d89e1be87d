/**
 * `npm run supergraph` brings up the whole local supergraph, answers a client through
 * Hive Gateway, and stops on SIGTERM; schema/supergraph.yaml and schema/router.yaml describe
 * the same supergraph for rover and Apollo Router.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLOUD_ENVIRONMENTS_SUBGRAPH } from '../../tools/hive-gateway.js';
import { LOCAL_URLS, composeSupergraph } from '../../tools/supergraph.js';
import { postGraphQL } from '../support/graphql-http.js';
import { spawnLocalSupergraph } from '../support/spawn-local-supergraph.js';
import { type SpawnedSubgraph, waitForOutput } from '../support/spawn-subgraph.js';

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);
const readYaml = async (name: string): Promise<any> => parseYaml(await readFile(new URL(name, SCHEMA_DIR), 'utf8'));

describe('npm run supergraph', () => {
  let running: SpawnedSubgraph | undefined;
  afterEach(() => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
  });

  it('serves merchants with their cloud environments through Hive Gateway, then stops on SIGTERM with exit 0', { timeout: 120_000 }, async () => {
    // AUTHORIZATION=router: Hive Gateway then enforces the SDL's @requiresScopes (x-scopes below).
    running = spawnLocalSupergraph({ SUPERGRAPH_PORT: '0', CLOUD_ENVIRONMENTS_PORT: '0', MERCHANTS_PORT: '0', LOG_LEVEL: 'warn', AUTHORIZATION: 'router' });
    const [, url = ''] = await waitForOutput(running, /Supergraph ready: (http:\/\/\S+)/, 90_000);

    const { status, body } = await postGraphQL(url, '{ merchants { name cloudEnvironments { env status } } }');
    expect(status).toBe(200);
    const merchants: Array<{ name: string; cloudEnvironments: unknown[] | null }> = body.data.merchants;
    expect(merchants[0]).toMatchObject({ name: 'Acme Coffee', cloudEnvironments: expect.arrayContaining([{ env: 'prod-7g3k9d', status: 'NORMAL' }]) });
    expect(merchants[3]).toEqual({ name: 'Expired Token Bakery', cloudEnvironments: null });
    expect(body.errors?.find((error) => error.extensions?.['merchantId'] === 'm_2001')).toMatchObject({
      path: ['merchants', 3, 'cloudEnvironments'],
      extensions: { code: 'AUTHORIZER_TOKEN_EXPIRED', wechat: { errcode: 42001 } },
    });

    const withoutScope = await postGraphQL(url, '{ merchants { name cloudEnvironments { env } } }', undefined, { 'x-scopes': 'none' });
    expect(withoutScope.body.errors).toMatchObject([{ extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }]);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });
});

describe('schema/supergraph.yaml', () => {
  it('composes the two subgraphs at the URLs and under the names the local supergraph uses', async () => {
    const config = await readYaml('supergraph.yaml');
    expect(Object.keys(config.subgraphs)).toEqual(['merchants', CLOUD_ENVIRONMENTS_SUBGRAPH]);
    expect(config.subgraphs.merchants).toEqual({ routing_url: LOCAL_URLS.merchants, schema: { subgraph_url: LOCAL_URLS.merchants } });
    expect(config.subgraphs[CLOUD_ENVIRONMENTS_SUBGRAPH].routing_url).toBe(LOCAL_URLS.cloudEnvironments);
    expect(composeSupergraph().supergraphSdl).toContain(`@join__graph(name: "${CLOUD_ENVIRONMENTS_SUBGRAPH}", url: "${LOCAL_URLS.cloudEnvironments}")`);
  });

  it('reads this subgraph from its committed SDL and composes with the federation version that SDL links', async () => {
    const config = await readYaml('supergraph.yaml');
    const file = fileURLToPath(new URL(config.subgraphs[CLOUD_ENVIRONMENTS_SUBGRAPH].schema.file, SCHEMA_DIR));
    expect(file).toBe(fileURLToPath(new URL('cloud-environments.graphql', SCHEMA_DIR)));
    const linked = /specs\.apollo\.dev\/federation\/v(\d+\.\d+)/.exec(await readFile(file, 'utf8'))?.[1];
    expect(config.federation_version).toMatch(new RegExp(`^=${linked?.replace('.', '\\.')}\\.\\d+$`));
  });
});

describe('schema/router.yaml', () => {
  it('passes subgraph errors through with their extensions', async () => {
    expect((await readYaml('router.yaml')).include_subgraph_errors).toEqual({ all: true });
  });

  it('sends ROUTER_SECRET to this subgraph only, and the request id to every subgraph', async () => {
    const { headers } = await readYaml('router.yaml');
    expect(headers.subgraphs[CLOUD_ENVIRONMENTS_SUBGRAPH].request).toEqual([{ insert: { name: 'router-authorization', value: '${env.ROUTER_SECRET}' } }]);
    expect(JSON.stringify(headers.all)).not.toContain('router-authorization');
    expect(headers.all.request).toContainEqual({ propagate: { named: 'x-request-id' } });
  });

  it('asks for no licensed feature by default: the authorization block is left for AUTHORIZATION=router', async () => {
    const config = await readYaml('router.yaml');
    expect(config.authorization).toBeUndefined();
    expect(config.authentication).toBeUndefined();
  });
});
