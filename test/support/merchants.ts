/** Builds simulator authorizers and AUTHORIZERS_FILE entries that agree, for tests that need their own merchants. */
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import { AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, type SimulatedAuthorizer, type SimulatedComponent, type SimulatedEnvironment, type WechatSimulator } from '../../src/simulator/index.js';

export interface TestMerchant {
  readonly merchantId: string;
  /** Distinct authorizers get distinct appids and tokens; equal keys share one. */
  readonly authorizer: string;
  readonly environments?: SimulatedEnvironment[];
  readonly errcode?: number;
}

export const environment = (env: string, overrides: Partial<SimulatedEnvironment> = {}): SimulatedEnvironment => ({
  env,
  alias: env.split('-')[0] ?? env,
  create_time: '2019-04-04 14:10:28',
  update_time: '2019-04-04 14:10:36',
  status: 'NORMAL',
  package_id: 'basic',
  package_name: '基础版 1',
  ...overrides,
});

const appIdFor = (index: number) => `wx${index.toString(16).padStart(16, '0')}`;
export const tokenFor = (authorizer: string) => `secret-token-${authorizer}-7f3e9a1c5b`;

export const refreshTokenFor = (authorizer: string) => `refresh-secret-${authorizer}-91d2`;

/** The third-party platform the token-flow tests run as. */
export const TEST_COMPONENT: SimulatedComponent = {
  appId: 'wx00c0ffee00c0ffee',
  appSecret: 'component-secret-for-tests-5e1f',
  verifyTicket: 'ticket@@@tests-3b7a',
};

/**
 * Matching simulator authorizers and AUTHORIZERS_FILE entries. With `tokens: 'refresh'`
 * every authorizer gets a refresh token (the subgraph mints access tokens); otherwise a
 * fixed access token.
 */
export function testMerchants(
  merchants: readonly TestMerchant[],
  tokens: 'fixed' | 'refresh' = 'fixed',
): { authorizers: SimulatedAuthorizer[]; entries: AuthorizersFileEntry[] } {
  const keys = [...new Set(merchants.map((merchant) => merchant.authorizer))];
  const authorizers = keys.map((key, index): SimulatedAuthorizer => {
    const first = merchants.find((merchant) => merchant.authorizer === key)!;
    return {
      appId: appIdFor(index + 1),
      ...(tokens === 'fixed' ? { accessToken: tokenFor(key) } : { refreshToken: refreshTokenFor(key) }),
      environments: first.environments ?? [environment(`${key}-env`)],
      ...(first.errcode === undefined ? {} : { errcode: first.errcode }),
    };
  });
  const entries = merchants.map((merchant) => ({
    merchantId: merchant.merchantId,
    authorizerAppId: appIdFor(keys.indexOf(merchant.authorizer) + 1),
    ...(tokens === 'fixed' ? { authorizerAccessToken: tokenFor(merchant.authorizer) } : { authorizerRefreshToken: refreshTokenFor(merchant.authorizer) }),
  }));
  return { authorizers, entries };
}

export const appIdOf = (entries: readonly AuthorizersFileEntry[], merchantId: string) =>
  entries.find((entry) => entry.merchantId === merchantId)!.authorizerAppId;

/** Token-endpoint calls on the wire: component tokens in all, authorizer tokens per appid. */
export function tokenEndpointCalls(simulator: WechatSimulator): { component: number; byAuthorizer: Map<string, number> } {
  const byAuthorizer = new Map<string, number>();
  for (const call of simulator.calls) {
    if (call.path !== AUTHORIZER_TOKEN_PATH) continue;
    const appId = String((JSON.parse(call.body) as { authorizer_appid?: unknown }).authorizer_appid);
    byAuthorizer.set(appId, (byAuthorizer.get(appId) ?? 0) + 1);
  }
  return { component: simulator.callCount(COMPONENT_TOKEN_PATH), byAuthorizer };
}
