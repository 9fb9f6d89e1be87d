/**
 * The decisions and rules that span concerns, in one place: whether this is the demo (no
 * WeChat URL outside production: the embedded simulator stands in), where the merchants
 * come from outside it, and what TOKEN_SOURCE=platform needs from the store, the
 * component and WeChat.
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

export const crossConcernRules = [
  // With Redis, the registry lives there (filled by `npm run authorizers`); the file is optional.
  rule(['AUTHORIZERS_FILE', 'REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES', 'NODE_ENV', 'WECHAT_API_BASE_URL'], (values) => {
    if (values.AUTHORIZERS_FILE !== undefined || hasRedisStore(values) || isDemo(values)) return undefined;
    const what = `name the JSON file that maps merchants to their WeChat authorizers (or keep them in Redis: ${STORE_REDIS_CHOICES})`;
    return isProduction(values)
      ? `AUTHORIZERS_FILE is required in production without a Redis store: ${what}`
      : `AUTHORIZERS_FILE is required when WECHAT_API_BASE_URL is set without a Redis store: ${what}`;
  }),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY', PLATFORM_REDIS.url, PLATFORM_REDIS.sentinels, PLATFORM_REDIS.clusterNodes, 'REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'],
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
  rule(
    ['TOKEN_SOURCE', 'NODE_ENV', 'WECHAT_API_BASE_URL'],
    (values) =>
      values.TOKEN_SOURCE === 'platform' &&
      isDemo(values) &&
      'TOKEN_SOURCE=platform needs a real WeChat: set WECHAT_API_BASE_URL (or NODE_ENV=production); the demo’s simulated WeChat knows no platform',
  ),
];
