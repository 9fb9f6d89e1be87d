/**
 * What the gateway authorization tests share: an identity provider serving one RS256 key's
 * JWKS, the merchants stand-in, and subgraph stacks that trust that provider, all stopped
 * after the file in reverse order of start.
 */
import { afterAll, beforeAll } from 'vitest';
import { startMerchantsSubgraph } from '../../tools/merchants-subgraph.js';
import { IdentityProvider, type SigningKey, TEST_AUDIENCE, TEST_ISSUER, signingKey } from './identity-provider.js';
import { type SubgraphStack, startSubgraphStack } from './stack.js';

export interface AuthorizationWorld {
  /** The key the provider publishes; tokens signed with it verify. */
  readonly rsa: SigningKey;
  readonly merchantsUrl: string;
  /** A subgraph stack with `env`, trusting the provider's JWKS, issuer and audience. */
  stackWith(env: Record<string, string>): Promise<SubgraphStack>;
  /** Stops `stop` after the file, before what was started earlier. */
  onStop(stop: () => Promise<unknown>): void;
}

export function useAuthorizationWorld(): AuthorizationWorld {
  let rsa: SigningKey | undefined;
  let idp: IdentityProvider | undefined;
  let merchants: { url: string; stop: () => Promise<void> } | undefined;
  const stops: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    rsa = await signingKey('RS256', 'rsa-gw');
    idp = new IdentityProvider([rsa]);
    await idp.start();
    merchants = await startMerchantsSubgraph();
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await merchants?.stop();
    await idp?.stop();
  });

  return {
    get rsa() {
      if (!rsa) throw new Error('the identity provider starts in beforeAll');
      return rsa;
    },
    get merchantsUrl() {
      if (!merchants) throw new Error('the merchants stand-in starts in beforeAll');
      return merchants.url;
    },
    async stackWith(env) {
      const stack = await startSubgraphStack({ env: { AUTH_JWKS_URL: idp!.jwksUrl, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE, ...env } });
      stops.push(() => stack.stop());
      return stack;
    },
    onStop: (stop) => stops.push(stop),
  };
}
