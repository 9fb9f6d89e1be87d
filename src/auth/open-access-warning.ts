/**
 * In production, what leaves Merchant.cloudEnvironments (merchant-private) open, said once
 * at start so that it stays a choice and not an accident: with neither ROUTER_SECRET nor
 * AUTHORIZATION=subgraph, anyone who reaches the port reads every merchant (router mode
 * only adds @requiresScopes for the router, which a direct caller never passes through);
 * production starts so only with ALLOW_OPEN_ACCESS=true (config/deployment-rules.ts). In
 * subgraph mode without AUTH_ISSUER or AUTH_AUDIENCE, a token any issuer of the key set
 * minted for any API is accepted when it carries the scope.
 */
import type { Config } from '../config/index.js';

export function openAccessWarning(config: Pick<Config, 'nodeEnv' | 'routerSecret' | 'authorization'>): string | undefined {
  const { router, subgraph } = config.authorization;
  if (config.nodeEnv !== 'production') return undefined;
  if (subgraph) {
    const unchecked = [subgraph.issuer === undefined && 'AUTH_ISSUER', subgraph.audience === undefined && 'AUTH_AUDIENCE'].filter(Boolean);
    if (unchecked.length === 0) return undefined;
    return (
      `AUTHORIZATION=subgraph without ${unchecked.join(' or ')}: a token that any issuer of AUTH_JWKS_URL's keys minted, for any API, is accepted when it carries the scope. ` +
      'Set AUTH_ISSUER and AUTH_AUDIENCE to your identity provider\'s issuer and this API\'s audience (docs/authorization.md).'
    );
  }
  if (config.routerSecret !== undefined) return undefined;
  return (
    `${router ? 'AUTHORIZATION=router without ROUTER_SECRET' : 'Neither ROUTER_SECRET nor AUTHORIZATION is set'}: anyone who can reach this port can read every merchant's cloud environments (ALLOW_OPEN_ACCESS=true). ` +
    'Set ROUTER_SECRET (and have the router send it), or AUTHORIZATION=subgraph (docs/authorization.md).'
  );
}
