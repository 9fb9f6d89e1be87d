/** Builds simulator authorizers and AUTHORIZERS_FILE entries that agree, for tests that need their own merchants. */
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import type { SimulatedAuthorizer, SimulatedEnvironment } from '../../src/simulator/index.js';

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

export function testMerchants(merchants: readonly TestMerchant[]): { authorizers: SimulatedAuthorizer[]; entries: AuthorizersFileEntry[] } {
  const keys = [...new Set(merchants.map((merchant) => merchant.authorizer))];
  const authorizers = keys.map((key, index): SimulatedAuthorizer => {
    const first = merchants.find((merchant) => merchant.authorizer === key)!;
    return {
      appId: appIdFor(index + 1),
      accessToken: tokenFor(key),
      environments: first.environments ?? [environment(`${key}-env`)],
      ...(first.errcode === undefined ? {} : { errcode: first.errcode }),
    };
  });
  const entries = merchants.map((merchant) => ({
    merchantId: merchant.merchantId,
    authorizerAppId: appIdFor(keys.indexOf(merchant.authorizer) + 1),
    authorizerAccessToken: tokenFor(merchant.authorizer),
  }));
  return { authorizers, entries };
}
