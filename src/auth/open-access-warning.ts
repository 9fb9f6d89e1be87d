/**
 * In production, a subgraph with neither ROUTER_SECRET nor AUTHORIZATION answers anyone
 * who reaches its port, and Merchant.cloudEnvironments is merchant-private: say so once
 * at start, so that it is a choice and not an accident.
 */
import type { Config } from '../config.js';

export function openAccessWarning(config: Pick<Config, 'nodeEnv' | 'routerSecret' | 'authorization'>): string | undefined {
  const { router, subgraph } = config.authorization;
  if (config.nodeEnv !== 'production' || config.routerSecret !== undefined || router || subgraph) return undefined;
  return (
    'Neither ROUTER_SECRET nor AUTHORIZATION is set: anyone who can reach this port can read every merchant\'s cloud environments. ' +
    'Set ROUTER_SECRET (and have the router send it), or AUTHORIZATION=router or subgraph (docs/authorization.md).'
  );
}
