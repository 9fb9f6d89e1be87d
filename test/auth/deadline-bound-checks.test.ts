/**
 * The caller check and the registry lookup race the operation's deadline, as the WeChat
 * call does, and fail closed: an identity provider that never answers costs the field
 * AUTH_UNAVAILABLE within REQUEST_DEADLINE_MS (never data), a key set fetch is bounded by
 * AUTH_JWKS_TIMEOUT_MS, and a registry that never answers costs TOKEN_STORE_UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthorizerRegistry } from '../../src/authorizers/authorizer-registry.js';
import { createContext } from '../../src/context.js';
import { toCloudEnvironmentError } from '../../src/schema/cloud-environment-error.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { StoreKeys } from '../../src/store/store-keys.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { IdentityProvider, type SigningKey, TEST_AUDIENCE, TEST_ISSUER, signToken, signingKey } from '../support/identity-provider.js';
import { captureLogs } from '../support/log-capture.js';
import { degradedReason, readinessWhen } from '../support/readiness.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const SCOPE = 'merchant:cloud-environments:read';

describe('an identity provider that never answers', () => {
  let key: SigningKey;
  let idp: IdentityProvider;
  let stack: SubgraphStack;
  const entities = async (token: string) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') }, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    key = await signingKey('ES256', 'ec-deadline');
    idp = new IdentityProvider([key]);
    const jwksUrl = await idp.start();
    idp.hang(true);
    stack = await startSubgraphStack({
      env: {
        AUTHORIZATION: 'subgraph',
        AUTH_JWKS_URL: jwksUrl,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        AUTH_JWKS_COOLDOWN_MS: '0',
        // Far beyond the operation's deadline: only the deadline can end the wait.
        AUTH_JWKS_TIMEOUT_MS: '60000',
        REQUEST_DEADLINE_MS: '300',
        DEPENDENCY_CHECK_INTERVAL_MS: '200',
      },
    });
  });
  afterAll(async () => {
    idp?.hang(false);
    await stack?.stop();
    await idp?.stop();
  });

  it('refuses the caller with AUTH_UNAVAILABLE once the operation deadline passes, asking nothing of WeChat', async () => {
    const { status, body } = await entities(await signToken(key, { claims: { scope: SCOPE } }));
    expect(status).toBe(200);
    expect(body.data._entities).toEqual([{ id: 'm_1001', cloudEnvironments: null }]);
    expect(body.errors).toMatchObject([{ extensions: { code: 'AUTH_UNAVAILABLE', retryable: true, merchantId: 'm_1001' } }]);
    expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  });

  it('stays ready, saying in /readyz that the key set does not answer', async () => {
    const ready = await readinessWhen(stack.subgraph.url, (answer) => degradedReason(answer, 'jwks') !== undefined);
    expect(ready.status).toBe(200);
    expect(degradedReason(ready, 'jwks')).toMatch(/^did not answer within 200 ms/);
  });

  it('serves the caller once the identity provider answers again, and /readyz says so', async () => {
    idp.hang(false);
    await readinessWhen(stack.subgraph.url, (answer) => degradedReason(answer, 'jwks') === undefined);
    const { body } = await entities(await signToken(key, { claims: { scope: SCOPE } }));
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].cloudEnvironments.length).toBeGreaterThan(0);
  });
});

describe('AUTH_JWKS_TIMEOUT_MS', () => {
  it('ends a key set fetch that hangs, refusing the caller with AUTH_UNAVAILABLE well before the deadline, and names the timeout in /readyz', async () => {
    const key = await signingKey('RS256', 'rsa-timeout');
    const idp = new IdentityProvider([key]);
    const jwksUrl = await idp.start();
    idp.hang(true);
    const stack = await startSubgraphStack({
      env: { AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: jwksUrl, AUTH_JWKS_TIMEOUT_MS: '150', REQUEST_DEADLINE_MS: '60000', DEPENDENCY_CHECK_INTERVAL_MS: '2000' },
    });
    try {
      const token = await signToken(key, { claims: { scope: SCOPE } });
      const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1001') }, { authorization: `Bearer ${token}` });
      expect(body.errors).toMatchObject([{ extensions: { code: 'AUTH_UNAVAILABLE', retryable: true } }]);
      const ready = await readinessWhen(stack.subgraph.url, (answer) => degradedReason(answer, 'jwks') !== undefined);
      expect(degradedReason(ready, 'jwks')).toMatch(new RegExp(`^AUTH_JWKS_URL ${jwksUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} did not answer with a key set \\(ERR_JWKS_TIMEOUT: .*AUTH_UNAVAILABLE`));
    } finally {
      idp.hang(false);
      await stack.stop();
      await idp.stop();
    }
  });
});

/** A store that takes every request and never answers: no real client here can (Redis commands time out after a second). */
const silentStore = new Proxy({} as KeyValueStore, { get: () => () => new Promise(() => undefined) });

describe('a registry that never answers', () => {
  it('fails the lookup with TOKEN_STORE_UNAVAILABLE when the operation deadline passes', async () => {
    vi.useFakeTimers();
    try {
      const registry = new AuthorizerRegistry(silentStore, new StoreKeys('deadline:'));
      const sources = { registry, logger: captureLogs('silent').logger, requestDeadlineMs: 250, cacheTtlMs: 0 } as unknown as Parameters<typeof createContext>[0];
      const context = createContext(sources, 'request-1', sources.logger);
      const lookup = context.authorizers.load('m_1').catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(249);
      let settled = false;
      void lookup.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = toCloudEnvironmentError(await lookup, 'm_1');
      expect(error.extensions).toEqual({ code: 'TOKEN_STORE_UNAVAILABLE', retryable: true, merchantId: 'm_1' });
      context.deadline.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
