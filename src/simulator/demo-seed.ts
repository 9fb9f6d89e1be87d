/**
 * The demo world the subgraph runs against out of the box: the whole open-platform token
 * flow, with one demo component. Appids and tokens come from demo-authorizers.json (the
 * subgraph's own authorizers file); environments, standing errcodes and stale refresh tokens
 * are defined here per appid, so the two cannot drift apart.
 */
import { fileURLToPath } from 'node:url';
import demo from './demo-authorizers.json' with { type: 'json' };
import type { SimulatedAuthorizer, SimulatedEnvironment } from './simulated-authorizers.js';
import type { SimulatedComponent } from './component-account.js';

/** Path of demo-authorizers.json, for the subgraph to read as its authorizers file (tsc copies it beside the build). */
export const DEMO_AUTHORIZERS_FILE = fileURLToPath(new URL('./demo-authorizers.json', import.meta.url));

/** The demo third-party platform: obviously not real credentials, and only the embedded simulator accepts them. */
export const DEMO_COMPONENT: SimulatedComponent = Object.freeze({
  appId: 'wxd0c0de00c0ffee00',
  appSecret: 'demo-component-secret-not-for-production',
  verifyTicket: 'ticket@@@demo-verify-ticket-not-from-wechat',
});

/** The demo platform's message token and EncodingAESKey: the simulator pushes its ticket to the subgraph with them. */
export const DEMO_COMPONENT_EVENTS = Object.freeze({
  messageToken: 'demoMessageTokenNotForProduction',
  encodingAesKey: 'ZGVtby1lbmNvZGluZy1hZXMta2V5LW5vdC1mb3ItcHI',
});

/** How often the demo's simulator pushes the ticket (WeChat: every 10 minutes), so the receiver is seen at work. */
export const DEMO_TICKET_PUSH_INTERVAL_MS = 60_000;

/** One merchant of demo-authorizers.json: exactly one of the two tokens. */
interface DemoMerchant {
  merchantId: string;
  authorizerAppId: string;
  authorizerRefreshToken?: string;
  authorizerAccessToken?: string;
}

interface DemoMerchantState {
  environments: SimulatedEnvironment[];
  errcode?: number;
  /** The refresh token WeChat accepts, when the file's is stale (refreshing answers 61023). */
  acceptedRefreshToken?: string;
  /** api_get_authorizer_list lists it without a refresh token: its 61023 cannot be cured. */
  listedWithoutRefreshToken?: boolean;
}

const basicPlan = { package_id: 'basic', package_name: '基础版 1' } as const;

const demoStateByAppId: ReadonlyMap<string, DemoMerchantState> = new Map([
  // m_1001 and m_1002 share this authorizer: every documented status, one undocumented, one empty alias.
  [
    'wx5f3c0a1b2c3d4e5f',
    {
      environments: [
        { env: 'prod-7g3k9d', alias: 'prod', create_time: '2023-03-14 09:26:53', update_time: '2024-11-02 18:04:11', status: 'NORMAL', ...basicPlan },
        { env: 'staging-2b8f1c', alias: 'staging', create_time: '2023-05-20 14:10:28', update_time: '2024-08-30 23:59:07', status: 'HALTED', ...basicPlan },
        { env: 'sandbox-5d1e7a', alias: '', create_time: '2025-01-06 10:00:00', update_time: '2025-01-06 10:00:02', status: 'UNAVAILABLE', ...basicPlan },
        { env: 'legacy-9c4a2f', alias: 'legacy', create_time: '2021-07-01 08:30:45', update_time: '2024-02-29 12:00:00', status: 'ARREARS', ...basicPlan },
      ],
    },
  ],
  [
    'wx8a61d2e4b7c90f13',
    {
      environments: [
        { env: 'shop-3a7c1e', alias: 'shop', create_time: '2024-04-04 14:10:28', update_time: '2024-04-04 14:10:36', status: 'NORMAL', package_id: 'baas_personal', package_name: '个人版' },
      ],
    },
  ],
  ['wx2b9e47c1d05a3f86', { environments: [], errcode: 42001 }], // token expired
  ['wx71c4f0a93e6b2d58', { environments: [], errcode: 61007 }], // permission set 49 not granted
  ['wxd3a85b16f2e0c749', { environments: [], errcode: -1 }], // system busy, always
  ['wx0e6f93b2a4c8d175', { environments: [], errcode: 85088 }], // cloud development not enabled
  // The merchant authorized again, which issued a new refresh token the file never got, and WeChat's authorizer list
  // shows it without one (seen in the field), so recovery has nothing to offer: re-authorization needed.
  ['wx4c7d19e3a0b6f258', { environments: [], acceptedRefreshToken: 'demo-refresh-after-reauthorization', listedWithoutRefreshToken: true }],
]);

/** One simulated authorizer per distinct appid in demo-authorizers.json, holding the tokens the file gives it. */
export function demoAuthorizers(): SimulatedAuthorizer[] {
  const merchants: readonly DemoMerchant[] = demo.merchants;
  const byAppId = new Map<string, SimulatedAuthorizer>();
  for (const { merchantId, authorizerAppId, authorizerRefreshToken, authorizerAccessToken } of merchants) {
    const state = demoStateByAppId.get(authorizerAppId);
    if (!state) {
      throw new Error(
        `demo-authorizers.json gives ${merchantId} the appid ${authorizerAppId}, which demo-seed.ts does not seed; add it to demoStateByAppId`,
      );
    }
    const authorizer = byAppId.get(authorizerAppId) ?? {
      appId: authorizerAppId,
      // Copies, so a test that edits one simulator's world leaves the next one's alone.
      environments: state.environments.map((environment) => ({ ...environment })),
      ...(state.errcode === undefined ? {} : { errcode: state.errcode }),
      ...(state.listedWithoutRefreshToken ? { listedWithoutRefreshToken: true } : {}),
    };
    if (authorizerRefreshToken !== undefined) authorizer.refreshToken = state.acceptedRefreshToken ?? authorizerRefreshToken;
    if (authorizerAccessToken !== undefined) authorizer.accessToken = authorizerAccessToken;
    byAppId.set(authorizerAppId, authorizer);
  }
  return [...byAppId.values()];
}

/** Everything `new WechatSimulator()` needs to serve the demo world, token flow included. */
export function demoSimulatorOptions(): { authorizers: SimulatedAuthorizer[]; component: SimulatedComponent } {
  return { authorizers: demoAuthorizers(), component: DEMO_COMPONENT };
}
