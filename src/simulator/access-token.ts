/**
 * Which authorizer an `access_token` belongs to, as any authorizer API (getenvinfo) sees it:
 * a fixed token first (it never lapses), then the authorizer token the component last
 * minted. Everything else, superseded and revoked tokens included, is 40001.
 */
import type { SimulatedAuthorizer } from './simulated-authorizers.js';
import type { SimulatorState } from './simulated-route.js';

export function resolveAccessToken(
  accessToken: string,
  { authorizers, tokens }: SimulatorState,
): { authorizer: SimulatedAuthorizer } | { errcode: number } {
  const fixed = authorizers.byFixedToken(accessToken);
  if (fixed) return { authorizer: fixed };
  const check = tokens.check('authorizer', accessToken);
  if ('errcode' in check) return check;
  const authorizer = authorizers.byAppId(check.appId);
  return authorizer ? { authorizer } : { errcode: 40001 };
}
