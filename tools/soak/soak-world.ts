/**
 * The merchants a soak run serves, built so wrong-merchant data cannot pass unnoticed:
 * every authorizer's environment ids carry its own key, each merchant has a distinct name,
 * and a few merchants exist in the merchants subgraph but not in AUTHORIZERS_FILE. The
 * simulator's authorizers, the AUTHORIZERS_FILE entries, the merchant records and the
 * answers the soak expects all come from this one description.
 */
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import type { SimulatedAuthorizer, SimulatedComponent, SimulatedEnvironment } from '../../src/simulator/index.js';
import type { MerchantRecord } from '../merchants-subgraph.js';

/** The soak's own third-party platform: fake credentials only the embedded simulator accepts. */
export const SOAK_COMPONENT: SimulatedComponent = Object.freeze({
  appId: 'wxc0ffee005a4c0000',
  appSecret: 'soak-component-secret-not-for-production',
  verifyTicket: 'ticket@@@soak-verify-ticket-not-from-wechat',
});

/** An environment as a client selects it through the gateway. */
export interface ExpectedEnvironment {
  readonly env: string;
  readonly status: string;
}

export interface SoakMerchant {
  readonly id: string;
  readonly name: string;
  /** Undefined for a merchant missing from AUTHORIZERS_FILE (always MERCHANT_NOT_AUTHORIZED). */
  readonly environments: readonly ExpectedEnvironment[] | undefined;
}

export interface SoakWorld {
  readonly simulatorAuthorizers: SimulatedAuthorizer[];
  readonly authorizersFile: AuthorizersFileEntry[];
  /** In the order the merchants subgraph lists them. */
  readonly merchants: readonly SoakMerchant[];
  readonly merchantRecords: readonly MerchantRecord[];
  /** Every environment id of every authorizer, to ask one merchant for another's. */
  readonly allEnvIds: readonly string[];
}

/** Statuses cycle through every documented one and one undocumented (served as UNKNOWN). */
const STATUSES: readonly { readonly upstream: string; readonly served: string }[] = [
  { upstream: 'NORMAL', served: 'NORMAL' },
  { upstream: 'HALTED', served: 'HALTED' },
  { upstream: 'UNAVAILABLE', served: 'UNAVAILABLE' },
  { upstream: 'ARREARS', served: 'UNKNOWN' },
];

const authorizerKey = (index: number) => `a${String(index).padStart(3, '0')}`;
const appIdFor = (index: number) => `wx5a4c${index.toString(16).padStart(12, '0')}`;
const refreshTokenFor = (index: number) => `soak-refresh-${authorizerKey(index)}`;
const merchantId = (index: number) => `m_soak_${String(index).padStart(4, '0')}`;

/** 1 to 4 environments per authorizer, each id naming the authorizer. */
function environmentsOf(index: number): { simulated: SimulatedEnvironment; expected: ExpectedEnvironment }[] {
  return Array.from({ length: (index % 4) + 1 }, (_, position) => {
    const status = STATUSES[(index + position) % STATUSES.length]!;
    const env = `soak-${authorizerKey(index)}-e${position}`;
    return {
      simulated: {
        env,
        alias: position === 0 ? '' : `env${position}`,
        create_time: '2024-04-04 14:10:28',
        update_time: '2024-04-05 09:00:00',
        status: status.upstream,
        package_id: 'basic',
        package_name: '基础版 1',
      },
      expected: { env, status: status.served },
    };
  });
}

/**
 * `merchants` authorized merchants spread round-robin over `authorizers` authorizers (each
 * with a refresh token), plus one unauthorized merchant per eight authorized (at least one),
 * interleaved so list positions mix both.
 */
export function buildSoakWorld(options: { merchants: number; authorizers: number }): SoakWorld {
  const perAuthorizer = Array.from({ length: options.authorizers }, (_, index) => environmentsOf(index));
  const simulatorAuthorizers = perAuthorizer.map(
    (environments, index): SimulatedAuthorizer => ({
      appId: appIdFor(index),
      refreshToken: refreshTokenFor(index),
      environments: environments.map(({ simulated }) => simulated),
    }),
  );
  const authorizersFile: AuthorizersFileEntry[] = [];
  const merchants: SoakMerchant[] = [];
  const unauthorized = Math.max(1, Math.floor(options.merchants / 8));
  for (let index = 0; index < options.merchants; index += 1) {
    const authorizer = index % options.authorizers;
    const id = merchantId(index);
    authorizersFile.push({ merchantId: id, authorizerAppId: appIdFor(authorizer), authorizerRefreshToken: refreshTokenFor(authorizer) });
    merchants.push({ id, name: `Soak Merchant ${index} (${authorizerKey(authorizer)})`, environments: perAuthorizer[authorizer]!.map(({ expected }) => expected) });
  }
  // Interleaved after the fact, so authorized merchants keep ids 0..merchants-1.
  for (let extra = 0; extra < unauthorized; extra += 1) {
    const position = Math.min(merchants.length, extra * 8 + 3);
    const id = merchantId(options.merchants + extra);
    merchants.splice(position, 0, { id, name: `Soak Unauthorized ${extra}`, environments: undefined });
  }
  return {
    simulatorAuthorizers,
    authorizersFile,
    merchants,
    merchantRecords: merchants.map(({ id, name }) => ({ id, name })),
    allEnvIds: perAuthorizer.flatMap((environments) => environments.map(({ expected }) => expected.env)),
  };
}
