/**
 * The one model of the environment: parsed once at boot, every problem reported at once,
 * then a frozen, typed object. Nothing else in the subgraph reads `process.env`.
 */
import { z } from 'zod';

const WECHAT_PRODUCTION_URL = 'https://api.weixin.qq.com';

/** The scope Merchant.cloudEnvironments requires when authorization is on (AUTH_SCOPE). */
export const DEFAULT_AUTH_SCOPE = 'merchant:cloud-environments:read';
const AUTHORIZATION_MODES = ['router', 'subgraph'] as const;

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!(parsed >= min && parsed <= max)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const environmentModel = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
    .default('development'),
  PORT: integer('PORT', 0, 65_535, 4001),
  HOST: optionalString.transform((value) => value ?? '0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  WECHAT_API_BASE_URL: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^/?#]+\/?$/.test(value),
    'WECHAT_API_BASE_URL must be an http(s) origin such as https://api.weixin.qq.com (no path or query)',
  ),
  WECHAT_TIMEOUT_MS: integer('WECHAT_TIMEOUT_MS', 1, 60_000, 5_000),
  WECHAT_MAX_CONNECTIONS: integer('WECHAT_MAX_CONNECTIONS', 1, 1_024, 64),
  AUTHORIZERS_FILE: optionalString,
  REDIS_URL: optionalString.refine(
    (value) => value === undefined || /^rediss?:\/\/[^\s]+$/.test(value),
    'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0',
  ),
  WECHAT_REDIS_PREFIX: optionalString
    .transform((value) => value ?? 'wechat:')
    .refine((value) => /^[A-Za-z0-9:_.-]{1,64}$/.test(value), 'WECHAT_REDIS_PREFIX must be 1 to 64 characters from A-Z, a-z, 0-9, ":", "_", "." and "-"'),
  WECHAT_COMPONENT_APPID: optionalString.refine(
    (value) => value === undefined || /^wx[0-9a-f]{16}$/.test(value),
    'WECHAT_COMPONENT_APPID must be "wx" followed by 16 lowercase hex digits',
  ),
  WECHAT_COMPONENT_APPSECRET: optionalString,
  WECHAT_COMPONENT_VERIFY_TICKET: optionalString,
  WECHAT_MAX_CONCURRENCY: integer('WECHAT_MAX_CONCURRENCY', 1, 1_024, 32),
  WECHAT_MAX_QUEUE: integer('WECHAT_MAX_QUEUE', 0, 100_000, 1_000),
  WECHAT_CIRCUIT_RESET_MS: integer('WECHAT_CIRCUIT_RESET_MS', 100, 600_000, 5_000),
  CLOUDENV_BATCHING: z
    .enum(['true', 'false', ''], { message: 'CLOUDENV_BATCHING must be true or false' })
    .optional()
    .transform((value) => value !== 'false'),
  CLOUDENV_CACHE_TTL_MS: integer('CLOUDENV_CACHE_TTL_MS', 0, 300_000, 3_000),
  REQUEST_DEADLINE_MS: integer('REQUEST_DEADLINE_MS', 100, 120_000, 10_000),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 0, 120_000, 10_000),
  MAX_BODY_BYTES: integer('MAX_BODY_BYTES', 1_024, 16_777_216, 262_144),
  MAX_ENTITIES: integer('MAX_ENTITIES', 1, 100_000, 500),
  MAX_QUERY_DEPTH: integer('MAX_QUERY_DEPTH', 2, 100, 12),
  MAX_CLOUD_ENVIRONMENT_FIELDS: integer('MAX_CLOUD_ENVIRONMENT_FIELDS', 1, 1_000, 20),
  ROUTER_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, 'ROUTER_SECRET must be at least 16 characters'),
  INTROSPECTION: z
    .enum(['true', 'false', ''], { message: 'INTROSPECTION must be true or false' })
    .optional()
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : undefined)),
  AUTHORIZATION: optionalString.transform((value, ctx) => {
    const modes = (value ?? '').split(',').map((mode) => mode.trim()).filter(Boolean);
    const unknown = modes.filter((mode) => !(AUTHORIZATION_MODES as readonly string[]).includes(mode));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `AUTHORIZATION must be empty or a comma-separated list of router and subgraph (docs/authorization.md), got "${unknown.join('", "')}"` });
      return z.NEVER;
    }
    return new Set(modes as Array<(typeof AUTHORIZATION_MODES)[number]>);
  }),
  AUTH_SCOPE: optionalString
    .transform((value) => value ?? DEFAULT_AUTH_SCOPE)
    .refine((value) => /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/.test(value), 'AUTH_SCOPE must be one OAuth scope: 1 to 128 printable characters without spaces, quotes or backslashes'),
  AUTH_JWKS_URL: optionalString.refine(
    (value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value),
    'AUTH_JWKS_URL must be the http(s) URL of your identity provider\'s JSON Web Key Set, e.g. https://idp.example.com/.well-known/jwks.json',
  ),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  AUTH_JWKS_COOLDOWN_MS: integer('AUTH_JWKS_COOLDOWN_MS', 0, 600_000, 30_000),
});

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** True when no WeChat URL is configured outside production: run against the embedded simulator. */
  readonly demo: boolean;
  readonly wechat: {
    /** Undefined only in demo mode, until the simulator has started. */
    readonly baseUrl: string | undefined;
    readonly timeoutMs: number;
    readonly maxConnections: number;
    /** Most WeChat calls in flight at once; more wait in a queue of at most maxQueue. */
    readonly maxConcurrency: number;
    readonly maxQueue: number;
    /** How long the circuit stays open before a probe call is let through. */
    readonly circuitResetMs: number;
  };
  /** How long a getEnvInfo answer is reused across operations; 0 disables the cache (single-flight stays). */
  readonly cacheTtlMs: number;
  /**
   * false: one getEnvInfo call per field, no batching, single-flight or cache. Only for
   * measuring what batching saves (the benchmark's baseline); never in production.
   */
  readonly batching: boolean;
  /** Limits that keep one operation from costing more than a gateway's real fetches. */
  readonly limits: {
    /** After this long, an operation's unfinished fields fail with WECHAT_UNAVAILABLE. */
    readonly requestDeadlineMs: number;
    readonly maxBodyBytes: number;
    readonly maxEntities: number;
    readonly maxQueryDepth: number;
    readonly maxCloudEnvironmentFields: number;
  };
  /** Shared secret the router sends in `router-authorization`; unset: no check. */
  readonly routerSecret: string | undefined;
  /** Introspection and the Sandbox landing page; on outside production unless INTROSPECTION=false. */
  readonly introspection: boolean;
  /** AUTHORIZATION (docs/authorization.md): who checks that a caller may read Merchant.cloudEnvironments. */
  readonly authorization: {
    /** `router`: the SDL carries @requiresScopes(scopes: [[scope]]) for routers that enforce it. */
    readonly router: boolean;
    /** `subgraph`: the caller's forwarded JWT is verified here against this JWKS; undefined: off. */
    readonly subgraph: { readonly jwksUrl: string; readonly issuer: string | undefined; readonly audience: string | undefined; readonly jwksCooldownMs: number } | undefined;
    /** AUTH_SCOPE */
    readonly scope: string;
  };
  /** How long SIGTERM waits for in-flight operations before closing anyway. */
  readonly shutdownTimeoutMs: number;
  /** Undefined in demo mode (the bundled demo file is used) or when Redis holds the registry. */
  readonly authorizersFile: string | undefined;
  /** The platform's credentials; undefined when only fixed access tokens are used (or in demo mode, until the simulator supplies its own). */
  readonly component: { readonly appId: string; readonly appSecret: string } | undefined;
  /** WECHAT_COMPONENT_VERIFY_TICKET: used while the store holds no ticket (development). */
  readonly verifyTicket: string | undefined;
  readonly store: {
    /** Unset: everything in memory (one replica). */
    readonly redisUrl: string | undefined;
    readonly prefix: string;
  };
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/**
 * Rules across variables, checked on the raw values so they are reported alongside any
 * other problem: outside demo mode the merchants must come from somewhere, and the
 * component credentials come as a pair.
 */
function crossVariableProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const file = missingAuthorizersFile(env);
  if (file) problems.push(file);
  if (isSet(env['WECHAT_COMPONENT_APPID']) !== isSet(env['WECHAT_COMPONENT_APPSECRET'])) {
    problems.push('WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET go together: set both (to mint access tokens from refresh tokens) or neither');
  }
  if (/(^|,)\s*subgraph\s*(,|$)/.test(env['AUTHORIZATION'] ?? '') && !isSet(env['AUTH_JWKS_URL'])) {
    problems.push("AUTHORIZATION=subgraph needs AUTH_JWKS_URL: the URL of the JSON Web Key Set that signs your callers' tokens, e.g. https://idp.example.com/.well-known/jwks.json");
  }
  return problems;
}

function missingAuthorizersFile(env: NodeJS.ProcessEnv): string | undefined {
  // With Redis, the registry lives there (filled by `npm run authorizers`); the file is optional.
  if (isSet(env['AUTHORIZERS_FILE']) || isSet(env['REDIS_URL'])) return undefined;
  const what = 'name the JSON file that maps merchants to their WeChat authorizers';
  if (env['NODE_ENV'] === 'production') return `AUTHORIZERS_FILE is required in production without REDIS_URL: ${what}`;
  if (isSet(env['WECHAT_API_BASE_URL'])) return `AUTHORIZERS_FILE is required when WECHAT_API_BASE_URL is set without REDIS_URL: ${what}`;
  return undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError that lists every problem found. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = environmentModel.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((issue) => issue.message);
  problems.push(...crossVariableProblems(env));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);

  const parsed = result.data;
  const production = parsed.NODE_ENV === 'production';
  const demo = !production && parsed.WECHAT_API_BASE_URL === undefined;

  return Object.freeze({
    nodeEnv: parsed.NODE_ENV,
    port: parsed.PORT,
    host: parsed.HOST,
    logLevel: parsed.LOG_LEVEL,
    demo,
    wechat: Object.freeze({
      baseUrl: parsed.WECHAT_API_BASE_URL?.replace(/\/$/, '') ?? (production ? WECHAT_PRODUCTION_URL : undefined),
      timeoutMs: parsed.WECHAT_TIMEOUT_MS,
      maxConnections: parsed.WECHAT_MAX_CONNECTIONS,
      maxConcurrency: parsed.WECHAT_MAX_CONCURRENCY,
      maxQueue: parsed.WECHAT_MAX_QUEUE,
      circuitResetMs: parsed.WECHAT_CIRCUIT_RESET_MS,
    }),
    cacheTtlMs: parsed.CLOUDENV_BATCHING ? parsed.CLOUDENV_CACHE_TTL_MS : 0,
    batching: parsed.CLOUDENV_BATCHING,
    limits: Object.freeze({
      requestDeadlineMs: parsed.REQUEST_DEADLINE_MS,
      maxBodyBytes: parsed.MAX_BODY_BYTES,
      maxEntities: parsed.MAX_ENTITIES,
      maxQueryDepth: parsed.MAX_QUERY_DEPTH,
      maxCloudEnvironmentFields: parsed.MAX_CLOUD_ENVIRONMENT_FIELDS,
    }),
    routerSecret: parsed.ROUTER_SECRET,
    introspection: parsed.INTROSPECTION ?? !production,
    authorization: Object.freeze({
      router: parsed.AUTHORIZATION.has('router'),
      subgraph:
        parsed.AUTHORIZATION.has('subgraph') && parsed.AUTH_JWKS_URL
          ? Object.freeze({ jwksUrl: parsed.AUTH_JWKS_URL, issuer: parsed.AUTH_ISSUER, audience: parsed.AUTH_AUDIENCE, jwksCooldownMs: parsed.AUTH_JWKS_COOLDOWN_MS })
          : undefined,
      scope: parsed.AUTH_SCOPE,
    }),
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    authorizersFile: parsed.AUTHORIZERS_FILE,
    component:
      parsed.WECHAT_COMPONENT_APPID && parsed.WECHAT_COMPONENT_APPSECRET
        ? Object.freeze({ appId: parsed.WECHAT_COMPONENT_APPID, appSecret: parsed.WECHAT_COMPONENT_APPSECRET })
        : undefined,
    verifyTicket: parsed.WECHAT_COMPONENT_VERIFY_TICKET,
    store: Object.freeze({ redisUrl: parsed.REDIS_URL, prefix: parsed.WECHAT_REDIS_PREFIX }),
  });
}
