/**
 * The decisions and rules that span concerns, in one place: whether this is the demo (no
 * WeChat URL outside production: the embedded simulator stands in) and what it refuses,
 * where the merchants come from outside it (the file, Redis, or the merchants subgraph
 * through the gateway), and what TOKEN_SOURCE=platform needs from the store and the
 * component. How a deployment is exposed is deployment-rules.ts's.
 */
import type { AuthorizersVariables } from './authorizers.js';
import type { ComponentVariables } from './component.js';
import { rulesOver } from './model.js';
import { type ServerVariables, isProduction } from './server.js';
import { PLATFORM_REDIS, type PlatformVariables as Platform } from './platform.js';
import { STORE_REDIS_CHOICES, type StoreVariables, hasRedisStore } from './store.js';
import type { WechatVariables } from './wechat.js';

type Variables = ServerVariables & WechatVariables & StoreVariables & AuthorizersVariables & ComponentVariables & Platform;

/** Demo mode: no WeChat URL is configured outside production, so WeChat is the embedded simulator. */
export function isDemo(values: Pick<Variables, 'NODE_ENV' | 'WECHAT_API_BASE_URL'>): boolean {
  return !isProduction(values) && values.WECHAT_API_BASE_URL === undefined;
}

const rule = rulesOver<Variables>();

/** What would make the demo touch a real platform's data: its component credentials and keys, or the platform's token store. */
const REAL_WORLD_VARIABLES = [
  'WECHAT_COMPONENT_APPID',
  'WECHAT_COMPONENT_APPSECRET',
  'WECHAT_COMPONENT_VERIFY_TICKET',
  'WECHAT_COMPONENT_MESSAGE_TOKEN',
  'WECHAT_COMPONENT_ENCODING_AES_KEY',
  'PLATFORM_TOKEN_REDIS_KEY',
  PLATFORM_REDIS.url,
  PLATFORM_REDIS.sentinels,
  PLATFORM_REDIS.clusterNodes,
  'PLATFORM_TOKEN_URL',
  'PLATFORM_TOKEN_SECRET',
] as const;

/** The variables that make the store a Redis: any one of them. */
const STORE_TOPOLOGIES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

export const crossConcernRules = [
  // With Redis, the registry lives there (filled by `npm run authorizers`); the file is optional.
  // With MERCHANT_AUTHORIZER_FIELD the gateway names each authorizer: the platform's tokens
  // need nothing more, tokens minted here still need a home (the file's, or Redis).
  rule(['AUTHORIZERS_FILE', ...STORE_TOPOLOGIES, 'NODE_ENV', 'WECHAT_API_BASE_URL', 'MERCHANT_AUTHORIZER_FIELD', 'TOKEN_SOURCE'], (values) => {
    if (values.AUTHORIZERS_FILE !== undefined || hasRedisStore(values) || isDemo(values)) return undefined;
    const where = isProduction(values) ? 'in production' : 'when WECHAT_API_BASE_URL is set';
    if (values.MERCHANT_AUTHORIZER_FIELD === undefined) {
      return `AUTHORIZERS_FILE is required ${where} without a Redis store: name the JSON file that maps merchants to their WeChat authorizers (or keep them in Redis: ${STORE_REDIS_CHOICES})`;
    }
    if (values.TOKEN_SOURCE === 'platform') return undefined;
    return `AUTHORIZERS_FILE or a Redis store (${STORE_REDIS_CHOICES}) is required ${where} with MERCHANT_AUTHORIZER_FIELD and TOKEN_SOURCE=own: the gateway names each merchant's authorizer, but the tokens minted here need their refresh tokens (from the file, or kept in Redis by the event receiver and \`npm run authorizers\`); or read the platform's tokens (TOKEN_SOURCE=platform)`;
  }),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY', PLATFORM_REDIS.url, PLATFORM_REDIS.sentinels, PLATFORM_REDIS.clusterNodes, ...STORE_TOPOLOGIES],
    (values) =>
      values.TOKEN_SOURCE === 'platform' &&
      values.PLATFORM_TOKEN_REDIS_KEY !== undefined &&
      [PLATFORM_REDIS.url, PLATFORM_REDIS.sentinels, PLATFORM_REDIS.clusterNodes].every((name) => values[name] === undefined) &&
      !hasRedisStore(values) &&
      `PLATFORM_TOKEN_REDIS_KEY needs the Redis it is on: set PLATFORM_REDIS_URL, PLATFORM_REDIS_SENTINELS or PLATFORM_REDIS_CLUSTER_NODES (or the store's ${STORE_REDIS_CHOICES}, when the platform shares it)`,
  ),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY', 'WECHAT_COMPONENT_APPID'],
    (values) =>
      values.TOKEN_SOURCE === 'platform' &&
      values.PLATFORM_TOKEN_REDIS_KEY?.includes('{componentAppId}') === true &&
      values.WECHAT_COMPONENT_APPID === undefined &&
      'PLATFORM_TOKEN_REDIS_KEY uses {componentAppId}: set WECHAT_COMPONENT_APPID to the platform’s component appid',
  ),
  rule(
    ['TOKEN_SOURCE', 'WECHAT_COMPONENT_MESSAGE_TOKEN', 'WECHAT_COMPONENT_ENCODING_AES_KEY'],
    (values) =>
      values.TOKEN_SOURCE === 'platform' &&
      (values.WECHAT_COMPONENT_MESSAGE_TOKEN !== undefined || values.WECHAT_COMPONENT_ENCODING_AES_KEY !== undefined) &&
      "TOKEN_SOURCE=platform leaves WeChat's pushes to the platform: unset WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY (the event receiver would mint tokens here)",
  ),
  // The demo runs on published credentials and a simulated WeChat: nothing real may reach it, nor it anything real.
  rule(['NODE_ENV', 'WECHAT_API_BASE_URL', 'TOKEN_SOURCE', ...STORE_TOPOLOGIES, ...REAL_WORLD_VARIABLES], (values) => {
    if (!isDemo(values)) return undefined;
    const set = [
      ...(values.TOKEN_SOURCE === 'platform' ? ['TOKEN_SOURCE=platform'] : []),
      ...[...STORE_TOPOLOGIES, ...REAL_WORLD_VARIABLES].filter((name) => values[name] !== undefined),
    ];
    if (set.length === 0) return undefined;
    return (
      `The demo (no WECHAT_API_BASE_URL, NODE_ENV not production) runs on an embedded, simulated WeChat with the demo's published credentials, so it never touches real data; it refuses ${set.join(', ')}. ` +
      'To use them with WeChat, set WECHAT_API_BASE_URL=https://api.weixin.qq.com (or NODE_ENV=production); to try them on a simulator, start one with `npm run simulator` and set WECHAT_API_BASE_URL to the URL it prints'
    );
  }),
];
