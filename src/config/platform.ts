/**
 * TOKEN_SOURCE, where access tokens come from: `own` (minted here, or fixed ones from
 * AUTHORIZERS_FILE) or `platform` (read from where the platform keeps them, never minted),
 * and the platform's variables: exactly one place to read, with what reading it needs.
 */
import { z } from 'zod';
import { rulesOver } from './model.js';
import { type RedisTopology, type TopologyNames, addressList, redisUrl, sentinelName, tlsSwitch, topologyOf, topologyRules } from './redis-topology.js';
import { HTTP_URL, integer, optionalString, placeholdersOf, stringWithDefault } from './variables.js';

const JSON_FIELD = /^[A-Za-z0-9_-]{1,64}$/;

export const platformModel = z.object({
  TOKEN_SOURCE: z
    .enum(['own', 'platform', ''], { message: 'TOKEN_SOURCE must be own (mint tokens here, or fixed ones from AUTHORIZERS_FILE) or platform (read the tokens the platform keeps)' })
    .optional()
    .transform((value) => (value === 'platform' ? 'platform' : 'own')),
  PLATFORM_TOKEN_REDIS_KEY: optionalString.refine(
    (value) => value === undefined || placeholdersOf(value).every((name) => name === 'authorizerAppId' || name === 'componentAppId'),
    'PLATFORM_TOKEN_REDIS_KEY may only use the placeholders {authorizerAppId} and {componentAppId}',
  ),
  PLATFORM_REDIS_URL: redisUrl('PLATFORM_REDIS_URL', 'redis://platform-redis:6379/0'),
  PLATFORM_REDIS_SENTINELS: addressList('PLATFORM_REDIS_SENTINELS', 'platform-sentinel-1:26379,platform-sentinel-2:26379'),
  PLATFORM_REDIS_SENTINEL_NAME: sentinelName('PLATFORM_REDIS_SENTINEL_NAME'),
  PLATFORM_REDIS_SENTINEL_PASSWORD: optionalString,
  PLATFORM_REDIS_CLUSTER_NODES: addressList('PLATFORM_REDIS_CLUSTER_NODES', 'platform-redis-1:6379,platform-redis-2:6379'),
  PLATFORM_REDIS_USERNAME: optionalString,
  PLATFORM_REDIS_PASSWORD: optionalString,
  PLATFORM_REDIS_TLS: tlsSwitch('PLATFORM_REDIS_TLS'),
  PLATFORM_TOKEN_URL: optionalString.refine(
    (value) => value === undefined || (HTTP_URL.test(value) && placeholdersOf(value).every((name) => name === 'authorizerAppId')),
    'PLATFORM_TOKEN_URL must be an http(s) URL whose only placeholder is {authorizerAppId}, such as https://platform.internal/authorizers/{authorizerAppId}/token',
  ),
  PLATFORM_TOKEN_SECRET: optionalString,
  PLATFORM_TOKEN_FIELD: stringWithDefault(
    'authorizer_access_token',
    JSON_FIELD,
    'PLATFORM_TOKEN_FIELD must be a JSON field name of 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"',
  ),
  PLATFORM_TOKEN_EXPIRES_AT_FIELD: stringWithDefault(
    'expires_at',
    JSON_FIELD,
    'PLATFORM_TOKEN_EXPIRES_AT_FIELD must be a JSON field name of 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"',
  ),
  PLATFORM_TOKEN_REUSE_MS: integer('PLATFORM_TOKEN_REUSE_MS', 0, 60_000, 60_000),
  PLATFORM_TOKEN_BACKOFF_MS: integer('PLATFORM_TOKEN_BACKOFF_MS', 0, 600_000, 30_000),
});

export type PlatformVariables = z.output<typeof platformModel>;

export interface PlatformTokensConfig {
  /** PLATFORM_TOKEN_REDIS_KEY on the PLATFORM_REDIS_* Redis (default: the store's); or else `http`. */
  readonly redis: { readonly topology: RedisTopology; readonly keyTemplate: string } | undefined;
  /** PLATFORM_TOKEN_URL, asked with PLATFORM_TOKEN_SECRET as a bearer token. */
  readonly http: { readonly urlTemplate: string; readonly secret: string } | undefined;
  /** WECHAT_COMPONENT_APPID, for a `{componentAppId}` in the key template. */
  readonly componentAppId: string | undefined;
  /** The JSON field holding the token (PLATFORM_TOKEN_FIELD). */
  readonly tokenField: string;
  /** The JSON field holding the instant the token expires (PLATFORM_TOKEN_EXPIRES_AT_FIELD). */
  readonly expiresAtField: string;
  /** Longest a token read is reused in this process (PLATFORM_TOKEN_REUSE_MS, at most a minute). */
  readonly reuseMs: number;
  /** How long an authorizer whose platform token WeChat still rejects is left alone (PLATFORM_TOKEN_BACKOFF_MS). */
  readonly rejectedBackoffMs: number;
}

export interface TokenSourceConfig {
  /** TOKEN_SOURCE: `own` mints tokens here (or uses the file's fixed ones); `platform` only reads the platform's. */
  readonly source: 'own' | 'platform';
  /** Where the platform keeps its tokens; set exactly when source is `platform`. */
  readonly platform: PlatformTokensConfig | undefined;
}

export const PLATFORM_REDIS: TopologyNames<keyof PlatformVariables> = {
  url: 'PLATFORM_REDIS_URL',
  sentinels: 'PLATFORM_REDIS_SENTINELS',
  sentinelName: 'PLATFORM_REDIS_SENTINEL_NAME',
  sentinelPassword: 'PLATFORM_REDIS_SENTINEL_PASSWORD',
  clusterNodes: 'PLATFORM_REDIS_CLUSTER_NODES',
  username: 'PLATFORM_REDIS_USERNAME',
  password: 'PLATFORM_REDIS_PASSWORD',
  tls: 'PLATFORM_REDIS_TLS',
};

const PLATFORM_VARIABLES = ['PLATFORM_TOKEN_REDIS_KEY', ...Object.values(PLATFORM_REDIS), 'PLATFORM_TOKEN_URL', 'PLATFORM_TOKEN_SECRET'] as const;
const WHERE =
  'set PLATFORM_TOKEN_REDIS_KEY (the key the platform keeps each token under, on the Redis PLATFORM_REDIS_URL, PLATFORM_REDIS_SENTINELS or PLATFORM_REDIS_CLUSTER_NODES names, or the store’s) or PLATFORM_TOKEN_URL (its token service, with PLATFORM_TOKEN_SECRET)';

const rule = rulesOver<PlatformVariables>();

/** TOKEN_SOURCE=platform reads from exactly one place, and has what it needs to read it; nothing else sets the platform's variables. */
export const platformRules = [
  ...topologyRules(PLATFORM_REDIS),
  rule(['TOKEN_SOURCE', ...PLATFORM_VARIABLES], (values) => {
    const stray = PLATFORM_VARIABLES.filter((name) => values[name] !== undefined);
    return values.TOKEN_SOURCE !== 'platform' && stray.length > 0 && `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} only read with TOKEN_SOURCE=platform; set it, or unset them`;
  }),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY', 'PLATFORM_TOKEN_URL'],
    ({ TOKEN_SOURCE: source, PLATFORM_TOKEN_REDIS_KEY: key, PLATFORM_TOKEN_URL: url }) =>
      source === 'platform' && key === undefined && url === undefined && `TOKEN_SOURCE=platform needs to know where the platform keeps its tokens: ${WHERE}`,
  ),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY', 'PLATFORM_TOKEN_URL'],
    ({ TOKEN_SOURCE: source, PLATFORM_TOKEN_REDIS_KEY: key, PLATFORM_TOKEN_URL: url }) =>
      source === 'platform' && key !== undefined && url !== undefined && 'TOKEN_SOURCE=platform reads from one place: set PLATFORM_TOKEN_REDIS_KEY or PLATFORM_TOKEN_URL, not both',
  ),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_REDIS_KEY'],
    ({ TOKEN_SOURCE: source, PLATFORM_TOKEN_REDIS_KEY: key }) =>
      source === 'platform' &&
      key !== undefined &&
      !key.includes('{authorizerAppId}') &&
      'PLATFORM_TOKEN_REDIS_KEY must contain {authorizerAppId}, where the authorizer appid goes (for example wechat:authorizer_access_token:{authorizerAppId})',
  ),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_URL'],
    ({ TOKEN_SOURCE: source, PLATFORM_TOKEN_URL: url }) =>
      source === 'platform' && url !== undefined && !url.includes('{authorizerAppId}') && 'PLATFORM_TOKEN_URL must contain {authorizerAppId}, where the authorizer appid goes',
  ),
  rule(
    ['TOKEN_SOURCE', 'PLATFORM_TOKEN_URL', 'PLATFORM_TOKEN_SECRET'],
    ({ TOKEN_SOURCE: source, PLATFORM_TOKEN_URL: url, PLATFORM_TOKEN_SECRET: secret }) =>
      source === 'platform' && url !== undefined && secret === undefined && 'PLATFORM_TOKEN_URL needs PLATFORM_TOKEN_SECRET, the bearer token the platform’s token service expects',
  ),
];

/** What the platform's settings borrow from other concerns. */
export interface PlatformBorrowed {
  /** The store's Redis: the platform's when no PLATFORM_REDIS_* topology is set. */
  readonly redis: RedisTopology | undefined;
  readonly componentAppId: string | undefined;
}

export function tokenSourceConfig(values: PlatformVariables, borrowed: PlatformBorrowed): TokenSourceConfig {
  return { source: values.TOKEN_SOURCE, platform: values.TOKEN_SOURCE === 'platform' ? platformTokensConfig(values, borrowed) : undefined };
}

function platformTokensConfig(values: PlatformVariables, borrowed: PlatformBorrowed): PlatformTokensConfig {
  const topology = topologyOf(values, PLATFORM_REDIS) ?? borrowed.redis;
  const { PLATFORM_TOKEN_REDIS_KEY: keyTemplate, PLATFORM_TOKEN_URL: urlTemplate, PLATFORM_TOKEN_SECRET: secret } = values;
  return Object.freeze({
    redis: keyTemplate && topology ? Object.freeze({ topology, keyTemplate }) : undefined,
    http: urlTemplate && secret ? Object.freeze({ urlTemplate, secret }) : undefined,
    componentAppId: borrowed.componentAppId,
    tokenField: values.PLATFORM_TOKEN_FIELD,
    expiresAtField: values.PLATFORM_TOKEN_EXPIRES_AT_FIELD,
    reuseMs: values.PLATFORM_TOKEN_REUSE_MS,
    rejectedBackoffMs: values.PLATFORM_TOKEN_BACKOFF_MS,
  });
}
