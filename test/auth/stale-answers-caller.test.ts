/**
 * A caller the subgraph's JWT check refuses (AUTHORIZATION=subgraph) never receives stale
 * data: the check runs before any answer is looked for, so while WeChat is down a refused
 * caller gets its refusal, and a caller with a valid token gets the last good answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityProvider, type SigningKey, TEST_AUDIENCE, TEST_ISSUER, signToken, signingKey } from '../support/identity-provider.js';
import { OUTAGE, STALE_MERCHANTS, aged, outcomes } from '../support/stale-answers.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';

const SCOPE = 'merchant:cloud-environments:read';

describe('stale answers and the caller’s token', () => {
  let key: SigningKey;
  let idp: IdentityProvider;
  let stack: SubgraphStack;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    key = await signingKey('ES256', 'ec-stale');
    idp = new IdentityProvider([key]);
    stack = await startSubgraphStack({
      simulator: { authorizers: STALE_MERCHANTS.authorizers },
      merchants: STALE_MERCHANTS.entries,
      env: {
        CLOUDENV_CACHE_TTL_MS: '0',
        CLOUDENV_STALE_IF_ERROR_MS: '60000',
        AUTHORIZATION: 'subgraph',
        AUTH_JWKS_URL: await idp.start(),
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        AUTH_JWKS_COOLDOWN_MS: '0',
      },
    });
    expect(outcomes(await aged(stack.subgraph.url, ['m_a'], bearer(await signToken(key, { claims: { scope: SCOPE } }))))).toEqual({ m_a: 'data' });
    stack.simulator.startOutage(OUTAGE);
  });
  afterAll(async () => {
    await stack?.stop();
    await idp?.stop();
  });

  it('serves the last good answer to a caller whose token is good', async () => {
    expect(outcomes(await aged(stack.subgraph.url, ['m_a'], bearer(await signToken(key, { claims: { scope: SCOPE } }))))).toEqual({ m_a: 'data' });
  });

  it('refuses a caller without a token, or with an expired one, and serves it nothing', async () => {
    for (const headers of [{}, bearer(await signToken(key, { claims: { scope: SCOPE }, expiresIn: -60 }))]) {
      const refused = await aged(stack.subgraph.url, ['m_a'], headers);
      expect(outcomes(refused)).toEqual({ m_a: 'UNAUTHENTICATED' });
      expect(refused.text).not.toContain('prod-a');
    }
  });

  it('refuses a caller without the scope, and serves it nothing', async () => {
    const refused = await aged(stack.subgraph.url, ['m_a'], bearer(await signToken(key, { claims: { scope: 'profile:read' } })));
    expect(outcomes(refused)).toEqual({ m_a: 'FORBIDDEN' });
    expect(refused.text).not.toContain('prod-a');
  });

  it('refuses a caller whose keys cannot be fetched, and serves it nothing', async () => {
    const unseen = await signingKey('ES256', 'ec-unseen');
    idp.fail(true);
    try {
      const refused = await aged(stack.subgraph.url, ['m_a'], bearer(await signToken(unseen, { claims: { scope: SCOPE } })));
      expect(outcomes(refused)).toEqual({ m_a: 'AUTH_UNAVAILABLE' });
      expect(refused.text).not.toContain('prod-a');
    } finally {
      idp.fail(false);
    }
  });
});
