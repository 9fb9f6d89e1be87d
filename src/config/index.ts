/**
 * The one model of the environment, composed of one model per concern: every variable is
 * parsed once at boot, every rule checked on the parsed values, every problem reported at
 * once; then a frozen, typed object. Nothing outside src/config/ reads `process.env`.
 */
import { z } from 'zod';
import { authorizationConfig, authorizationModel, authorizationRules, type AuthorizationConfig } from './authorization.js';
import { authorizersConfig, authorizersModel, type AuthorizersConfig } from './authorizers.js';
import { cacheConfig, cacheModel, type CacheConfig } from './cache.js';
import { componentConfig, componentModel, componentRules, type ComponentConfig } from './component.js';
import { ConfigError } from './config-error.js';
import { limitsConfig, limitsModel, type LimitsConfig } from './limits.js';
import { checkRules, parseVariables } from './model.js';
import { platformModel, platformRules, tokenSourceConfig, type TokenSourceConfig } from './platform.js';
import { deploymentRules } from './deployment-rules.js';
import { crossConcernRules, isDemo } from './rules.js';
import { isProduction, serverConfig, serverModel, type ServerConfig } from './server.js';
import { storeConfig, storeModel, storeRules, type StoreConfig } from './store.js';
import { tokenTimings, tokensModel, tokensRules, type TokenTimings } from './tokens.js';
import type { Environment } from './variables.js';
import { wechatConfig, wechatModel, wechatRules, type WechatConfig } from './wechat.js';

export { ConfigError, type DeclaredAuthorizersFile } from './config-error.js';
export { DEFAULT_AUTH_SCOPE } from './authorization.js';
export type { PlatformTokensConfig } from './platform.js';
export { type RedisAddress, type RedisTopology, passwordsOf } from './redis-topology.js';
export { STORE_REDIS_CHOICES, type DurabilityCheck, type StoreConfig } from './store.js';
export type { RecoveryTimings, TokenTimings } from './tokens.js';
export type { WechatConfig } from './wechat.js';
export type { Environment } from './variables.js';

export interface Config extends ServerConfig, CacheConfig, AuthorizationConfig, AuthorizersConfig, ComponentConfig {
  /** True when no WeChat URL is configured outside production: run against the embedded simulator. */
  readonly demo: boolean;
  readonly wechat: WechatConfig;
  readonly limits: LimitsConfig;
  readonly store: StoreConfig;
  readonly tokens: TokenTimings & TokenSourceConfig;
}

const environmentModel = z.object({
  ...serverModel.shape,
  ...wechatModel.shape,
  ...authorizersModel.shape,
  ...storeModel.shape,
  ...componentModel.shape,
  ...cacheModel.shape,
  ...limitsModel.shape,
  ...authorizationModel.shape,
  ...tokensModel.shape,
  ...platformModel.shape,
});

/** Each concern's own rules, then the ones across concerns. */
const RULES = [...storeRules, ...componentRules, ...tokensRules, ...platformRules, ...authorizationRules, ...wechatRules, ...crossConcernRules, ...deploymentRules];

/** Every variable loadConfig reads, by name (telemetry's own are telemetry.ts's). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(environmentModel.shape));

/** What the tools that only reach the registry and its token records read. */
export interface RegistryToolConfig {
  readonly store: StoreConfig;
  /** TOKEN_REFRESH_AT_PERCENT / 100, for the token records they write through. */
  readonly refreshAtFraction: number;
}

/**
 * The store's variables (a Redis topology, WECHAT_REDIS_PREFIX) and TOKEN_REFRESH_AT_PERCENT
 * alone, for tools that only reach the registry and the token records (`npm run authorizers`):
 * what the subgraph would refuse to run with (the demo's rules, production's guards) is not
 * theirs to check, nor is the Redis's durability.
 */
export function loadRegistryToolConfig(env: Environment = process.env): RegistryToolConfig {
  const parsed = parseVariables(z.object({ ...storeModel.shape, ...tokensModel.shape }), env);
  const problems = [...parsed.problems, ...checkRules(storeRules, parsed)];
  if (problems.length > 0) throw new ConfigError(problems);
  return { store: storeConfig(parsed.values, { keepsIrreplaceable: false }), refreshAtFraction: parsed.values.TOKEN_REFRESH_AT_PERCENT / 100 };
}

/** Parses the environment; throws a ConfigError that lists every problem found. */
export function loadConfig(env: Environment = process.env): Config {
  const parsed = parseVariables(environmentModel, env);
  const problems = [...parsed.problems, ...checkRules(RULES, parsed)];
  const { values, failed } = parsed;
  if (problems.length > 0) {
    const platformTokens = !failed.has('TOKEN_SOURCE') && values.TOKEN_SOURCE === 'platform';
    throw new ConfigError(problems, values.AUTHORIZERS_FILE === undefined ? undefined : { path: values.AUTHORIZERS_FILE, platformTokens });
  }
  const store = storeConfig(values, { keepsIrreplaceable: isProduction(values) && values.TOKEN_SOURCE === 'own' });
  const demo = isDemo(values);
  return Object.freeze({
    ...serverConfig(values, demo),
    demo,
    wechat: wechatConfig(values, isProduction(values)),
    ...cacheConfig(values),
    limits: limitsConfig(values),
    ...authorizationConfig(values),
    ...authorizersConfig(values),
    ...componentConfig(values),
    store,
    tokens: Object.freeze({ ...tokenTimings(values, values.WECHAT_TIMEOUT_MS), ...tokenSourceConfig(values, { redis: store.redis, componentAppId: values.WECHAT_COMPONENT_APPID }) }),
  });
}
