/**
 * AUTHORIZATION=subgraph against the subgraph itself: the caller's JWT, sent as a gateway
 * forwards it, is verified with real keys (RS256 and ES256) against a JWKS served over HTTP.
 * Every refusal nulls cloudEnvironments only, with one error per field and no WeChat call;
 * `id` and the other merchants' fields keep their data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallerVerifier } from '../../src/auth/caller-verifier.js';
import { GET_ENV_INFO_PATH } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { IdentityProvider, type SigningKey, TEST_AUDIENCE, TEST_ISSUER, signToken, signingKey } from '../support/identity-provider.js';
import { fieldErrorLine } from '../support/log-capture.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { SignJWT } from 'jose';

const SCOPE = 'merchant:cloud-environments:read';
const TWO_MERCHANTS = { representations: merchantRepresentations('m_1001', 'm_1003') };

let rsa: SigningKey;
let ec: SigningKey;
let idp: IdentityProvider;
let stack: SubgraphStack;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]);
  idp = new IdentityProvider([rsa, ec]);
  const jwksUrl = await idp.start();
  stack = await startSubgraphStack({
    // No cooldown, so that the rotation test need not wait 30 s for an unknown kid's refetch.
    env: { AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE, AUTH_JWKS_COOLDOWN_MS: '0' },
  });
});
afterAll(async () => {
  await stack?.stop();
  await idp?.stop();
});
beforeEach(() => {
  stack.simulator.resetCalls();
  idp.fail(false);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const entities = (headers: Record<string, string> = {}, variables = TWO_MERCHANTS) => postGraphQL(stack.subgraph.url, ENTITIES_QUERY, variables, headers);

/** The request id of the last refused request, to find its log lines. */
let lastRequestId: string | null = null;

/** Both merchants kept with their id, each cloudEnvironments null with exactly one error of `code`, and no WeChat call. */
async function expectRefused(headers: Record<string, string>, code: string) {
  const { status, body, text, headers: answered } = await entities(headers);
  lastRequestId = answered.get('x-request-id');
  expect(status).toBe(200);
  expect(body.data?._entities).toEqual([
    { id: 'm_1001', cloudEnvironments: null },
    { id: 'm_1003', cloudEnvironments: null },
  ]);
  expect(body.errors).toHaveLength(2);
  expect(body.errors).toMatchObject([
    { path: ['_entities', 0, 'cloudEnvironments'], extensions: { code, merchantId: 'm_1001' } },
    { path: ['_entities', 1, 'cloudEnvironments'], extensions: { code, merchantId: 'm_1003' } },
  ]);
  expect(stack.simulator.callCount(GET_ENV_INFO_PATH)).toBe(0);
  if (headers['authorization']) expect(text).not.toContain(headers['authorization'].slice(7));
  return body.errors!;
}

describe('a valid token with the scope', () => {
  it('reads the environments: RS256, scope in "scope" (space-separated)', async () => {
    const { body } = await entities(bearer(await signToken(rsa, { claims: { scope: `profile:read ${SCOPE}` } })));
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities.map((merchant: { cloudEnvironments: unknown[] }) => merchant.cloudEnvironments.length)).toEqual([4, 1]);
  });

  it('reads the environments: ES256, scope in "scp" (a list)', async () => {
    const { body } = await entities(bearer(await signToken(ec, { claims: { scp: ['profile:read', SCOPE] } })));
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities[1].cloudEnvironments).toHaveLength(1);
  });

  it('is verified once per operation, however many fields and merchants ask', async () => {
    const verify = vi.spyOn(CallerVerifier.prototype, 'verify');
    try {
      const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Merchant { all: cloudEnvironments { env } one: cloudEnvironments(env: "prod-7g3k9d") { env } } } }`;
      const { body } = await postGraphQL(stack.subgraph.url, query, { representations: merchantRepresentations('m_1001', 'm_1002', 'm_1003') }, bearer(await signToken(rsa, { claims: { scope: SCOPE } })));
      expect(body.errors).toBeUndefined();
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('is not needed for operations that do not select cloudEnvironments', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, '{ _service { sdl } }');
    expect(body.data?._service.sdl).toContain('type Merchant');
    const ids = await entities({}, { representations: merchantRepresentations('m_1001') });
    expect(ids.body.data?._entities[0].id).toBe('m_1001');
  });
});

describe('UNAUTHENTICATED, and nothing asked of WeChat', () => {
  it('without a token, telling the caller to have the gateway forward Authorization', async () => {
    const [error] = await expectRefused({}, 'UNAUTHENTICATED');
    expect(error!.message).toMatch(/carries none; send "Authorization: Bearer <JWT>" \(a gateway must forward the client's Authorization header\)/);
    expect(error!.extensions).toMatchObject({ retryable: false });
  });

  it.each([
    ['not a bearer token', 'Basic dXNlcjpwYXNz'],
    ['not a JWT', 'Bearer not-a-jwt'],
    ['a JWT with a tampered payload', 'tampered'],
  ])('with a malformed token: %s', async (_case, header) => {
    let value = header;
    if (header === 'tampered') {
      const [head, , signature] = (await signToken(rsa, { claims: { scope: SCOPE } })).split('.');
      value = `Bearer ${head}.${Buffer.from(JSON.stringify({ scope: SCOPE, iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 4102444800 })).toString('base64url')}.${signature}`;
    }
    await expectRefused({ authorization: value }, 'UNAUTHENTICATED');
  });

  it.each([
    ['expired', { expiresIn: -600 }, /has expired/],
    ['that never expires (no "exp")', { expiresIn: null }, /missing or invalid claim \(a token must expire: "exp"\)/],
    ['not valid yet', { notBefore: 600 }, /is not valid yet/],
    ['from another issuer', { issuer: 'https://evil.example' }, /another issuer/],
    ['for another audience', { audience: 'another-api' }, /another audience/],
  ] as const)('with a token %s', async (_case, options, message) => {
    const [error] = await expectRefused(bearer(await signToken(rsa, { ...options, claims: { scope: SCOPE } })), 'UNAUTHENTICATED');
    expect(error!.message).toMatch(message);
  });

  it('with a token signed by a key the JWKS does not hold', async () => {
    const stranger = await signingKey('RS256', 'stranger');
    const [error] = await expectRefused(bearer(await signToken(stranger, { claims: { scope: SCOPE } })), 'UNAUTHENTICATED');
    expect(error!.message).toMatch(/not in the identity provider's key set/);
  });

  it("with a token that names a known kid but is signed by another key", async () => {
    const impostor = { ...(await signingKey('RS256', 'x')), kid: rsa.kid };
    await expectRefused(bearer(await signToken(impostor, { claims: { scope: SCOPE } })), 'UNAUTHENTICATED');
  });

  it('with an HMAC token (HS256), even one keyed with the public key', async () => {
    const hmac = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(rsa.jwk)));
    await expectRefused(bearer(hmac), 'UNAUTHENTICATED');
  });

  it('with an unsigned token (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ scope: SCOPE, iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 4102444800 })}.`;
    await expectRefused({ authorization: `Bearer ${unsigned}` }, 'UNAUTHENTICATED');
  });
});

describe('FORBIDDEN', () => {
  it.each([
    ['no scope claim', {}],
    ['other scopes in "scope"', { scope: 'profile:read merchant:cloud-environments:write' }],
    ['other scopes in "scp"', { scp: ['profile:read'] }],
  ])('for a valid token with %s', async (_case, claims) => {
    const [error] = await expectRefused(bearer(await signToken(ec, { claims })), 'FORBIDDEN');
    expect(error!.message).toMatch(/does not grant the scope Merchant.cloudEnvironments requires/);
    // Which scope this deployment asks for (AUTH_SCOPE) is in the log line of the refusal.
    expect(fieldErrorLine(stack.logs, lastRequestId, 'm_1001').failure).toContain(`does not grant the scope ${SCOPE} (AUTH_SCOPE)`);
  });
});

describe('the key set', () => {
  it('is fetched again when a token names a kid it does not know (key rotation)', async () => {
    const rotated = await signingKey('ES256', 'ec-2');
    await entities(bearer(await signToken(rsa, { claims: { scope: SCOPE } })));
    const before = idp.fetches;
    idp.rotate([rsa, ec, rotated]);
    const { body } = await entities(bearer(await signToken(rotated, { claims: { scope: SCOPE } })));
    expect(body.errors).toBeUndefined();
    expect(idp.fetches).toBe(before + 1);
    // Known now: the next token with that kid needs no fetch.
    await entities(bearer(await signToken(rotated, { claims: { scope: SCOPE } })));
    expect(idp.fetches).toBe(before + 1);
  });

  it('failing (HTTP 503, then down) refuses with AUTH_UNAVAILABLE, retryable, and the subgraph keeps answering', async () => {
    const unseen = await signingKey('RS256', 'rsa-unseen');
    idp.rotate([rsa, ec, unseen]);
    const token = await signToken(unseen, { claims: { scope: SCOPE } });

    idp.fail(true);
    const [failing] = await expectRefused(bearer(token), 'AUTH_UNAVAILABLE');
    expect(failing!.extensions).toMatchObject({ retryable: true });
    expect(failing!.message).toMatch(/could not fetch the keys.*try again shortly/);

    idp.fail(false);
    await idp.stop();
    try {
      await expectRefused(bearer(token), 'AUTH_UNAVAILABLE');
      const service = await postGraphQL(stack.subgraph.url, '{ _service { sdl } }');
      expect(service.status).toBe(200);
    } finally {
      await idp.start();
    }
    const { body } = await entities(bearer(token));
    expect(body.errors).toBeUndefined();
  });
});

describe('the token', () => {
  it('never appears in a log line', async () => {
    const token = await signToken(rsa, { claims: { scope: 'profile:read' } });
    await entities(bearer(token));
    await entities(bearer(`${token}x`));
    const logs = stack.logs.lines.join('\n');
    expect(logs).toContain('FORBIDDEN');
    expect(logs).not.toContain(token.split('.')[1]);
  });
});

describe("the subgraph's logger", () => {
  it('censors an Authorization header or field wherever a log call puts it', async () => {
    const { captureLogs } = await import('../support/log-capture.js');
    const token = await signToken(rsa, { claims: { scope: SCOPE } });
    const { logger, lines } = captureLogs();
    logger.info({ authorization: `Bearer ${token}` }, 'a field');
    logger.info({ request: { authorization: `Bearer ${token}` } }, 'one level down');
    logger.info({ req: { headers: { authorization: `Bearer ${token}` } } }, 'a request');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain(token);
  });
});
