/**
 * The one model of the environment: parsed once at boot, every problem reported at once,
 * then a frozen, typed object. Nothing else in the subgraph reads `process.env`.
 */
import { z } from 'zod';

const WECHAT_PRODUCTION_URL = 'https://api.weixin.qq.com';
/** WeChat's published disaster-recovery domain for api.weixin.qq.com. */
const WECHAT_FALLBACK_URL = 'https://api2.weixin.qq.com';

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
  WECHAT_COMPONENT_MESSAGE_TOKEN: optionalString.refine(
    (value) => value === undefined || /^[A-Za-z0-9]{3,32}$/.test(value),
    'WECHAT_COMPONENT_MESSAGE_TOKEN must be the message token set at WeChat: 3 to 32 letters and digits',
  ),
  WECHAT_COMPONENT_ENCODING_AES_KEY: optionalString.refine(
    // 43 base64 characters (258 bits) always decode, with the "=" WeChat leaves off, to the 32-byte AES key.
    (value) => value === undefined || /^[A-Za-z0-9+/]{43}$/.test(value),
    'WECHAT_COMPONENT_ENCODING_AES_KEY must be the EncodingAESKey set at WeChat: 43 characters of base64 (A-Z, a-z, 0-9, +, /) making 32 bytes',
  ),
  WECHAT_MAX_CONCURRENCY: integer('WECHAT_MAX_CONCURRENCY', 1, 1_024, 32),
  WECHAT_MAX_QUEUE: integer('WECHAT_MAX_QUEUE', 0, 100_000, 1_000),
  WECHAT_CIRCUIT_RESET_MS: integer('WECHAT_CIRCUIT_RESET_MS', 100, 600_000, 5_000),
  WECHAT_API_FALLBACK_BASE_URL: optionalString.refine(
    (value) => value === undefined || value === 'none' || /^https?:\/\/[^/?#]+\/?$/.test(value),
    'WECHAT_API_FALLBACK_BASE_URL must be an http(s) origin such as https://api2.weixin.qq.com (no path or query), or none',
  ),
  WECHAT_CIRCUIT_WINDOW: integer('WECHAT_CIRCUIT_WINDOW', 2, 10_000, 40),
  WECHAT_CIRCUIT_MIN_FAILURES: integer('WECHAT_CIRCUIT_MIN_FAILURES', 1, 10_000, 10),
  WECHAT_CIRCUIT_MIN_AUTHORIZERS: integer('WECHAT_CIRCUIT_MIN_AUTHORIZERS', 1, 10_000, 3),
  WECHAT_CIRCUIT_FAILURE_PERCENT: integer('WECHAT_CIRCUIT_FAILURE_PERCENT', 1, 100, 50),
  WECHAT_AUTHORIZER_BACKOFF_BASE_MS: integer('WECHAT_AUTHORIZER_BACKOFF_BASE_MS', 10, 600_000, 1_000),
  WECHAT_AUTHORIZER_BACKOFF_MAX_MS: integer('WECHAT_AUTHORIZER_BACKOFF_MAX_MS', 10, 3_600_000, 60_000),
  /** 0 (unset): an eighth of WECHAT_MAX_CONCURRENCY, at least 1. */
  WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: integer('WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER', 1, 1_024, 0),
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
  TOKEN_REFRESH_AT_PERCENT: integer('TOKEN_REFRESH_AT_PERCENT', 10, 95, 85),
  TOKEN_REFRESH_BACKOFF_MS: integer('TOKEN_REFRESH_BACKOFF_MS', 10, 600_000, 1_000),
  TOKEN_REFRESH_MAX_BACKOFF_MS: integer('TOKEN_REFRESH_MAX_BACKOFF_MS', 10, 3_600_000, 60_000),
  TOKEN_SOURCE: z
    .enum(['own', 'platform', ''], { message: 'TOKEN_SOURCE must be own (mint tokens here, or fixed ones from AUTHORIZERS_FILE) or platform (read the tokens the platform keeps)' })
    .optional()
    .transform((value) => (value === 'platform' ? 'platform' : 'own')),
  PLATFORM_TOKEN_REDIS_KEY: optionalString.refine(
    (value) => value === undefined || placeholdersOf(value).every((name) => name === 'authorizerAppId' || name === 'componentAppId'),
    'PLATFORM_TOKEN_REDIS_KEY may only use the placeholders {authorizerAppId} and {componentAppId}',
  ),
  PLATFORM_REDIS_URL: optionalString.refine(
    (value) => value === undefined || /^rediss?:\/\/[^\s]+$/.test(value),
    'PLATFORM_REDIS_URL must be a redis:// or rediss:// URL such as redis://platform-redis:6379/0',
  ),
  PLATFORM_TOKEN_URL: optionalString.refine(
    (value) => value === undefined || (/^https?:\/\/[^\s]+$/.test(value) && placeholdersOf(value).every((name) => name === 'authorizerAppId')),
    'PLATFORM_TOKEN_URL must be an http(s) URL whose only placeholder is {authorizerAppId}, such as https://platform.internal/authorizers/{authorizerAppId}/token',
  ),
  PLATFORM_TOKEN_SECRET: optionalString,
  PLATFORM_TOKEN_FIELD: optionalString
    .transform((value) => value ?? 'authorizer_access_token')
    .refine((value) => /^[A-Za-z0-9_-]{1,64}$/.test(value), 'PLATFORM_TOKEN_FIELD must be a JSON field name of 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"'),
  PLATFORM_TOKEN_EXPIRES_AT_FIELD: optionalString
    .transform((value) => value ?? 'expires_at')
    .refine((value) => /^[A-Za-z0-9_-]{1,64}$/.test(value), 'PLATFORM_TOKEN_EXPIRES_AT_FIELD must be a JSON field name of 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"'),
  PLATFORM_TOKEN_REUSE_MS: integer('PLATFORM_TOKEN_REUSE_MS', 0, 60_000, 60_000),
  PLATFORM_TOKEN_BACKOFF_MS: integer('PLATFORM_TOKEN_BACKOFF_MS', 0, 600_000, 30_000),
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

/** The `{name}` placeholders in a template. */
function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
}

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
    /** WeChat's disaster-recovery origin, used while the primary host's circuit is open; undefined: none. */
    readonly fallbackBaseUrl: string | undefined;
    /** A host's circuit opens when, of its last circuitWindow logical calls, circuitMinFailures failed, for circuitMinAuthorizers distinct authorizers or more, being circuitFailurePercent % of those seen. */
    readonly circuitWindow: number;
    readonly circuitMinFailures: number;
    readonly circuitMinAuthorizers: number;
    readonly circuitFailurePercent: number;
    /** An authorizer whose calls keep failing is held back this long, doubling per failure up to the maximum. */
    readonly authorizerBackoffBaseMs: number;
    readonly authorizerBackoffMaxMs: number;
    /** Most calls in flight at once for one authorizer (the bulkhead). */
    readonly maxConcurrencyPerAuthorizer: number;
  };
  /** How long a getEnvInfo answer is reused across operations; 0 disables the cache (single-flight stays). */
  readonly cacheTtlMs: number;
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
  /** The message token and EncodingAESKey of WeChat's pushes: set, POST /wechat/component/events receives them. */
  readonly componentEvents: { readonly messageToken: string; readonly encodingAesKey: string } | undefined;
  readonly store: {
    /** Unset: everything in memory (one replica). */
    readonly redisUrl: string | undefined;
    readonly prefix: string;
  };
  readonly tokens: {
    /** Share of a minted token's life after which it is refreshed ahead (TOKEN_REFRESH_AT_PERCENT / 100). */
    readonly refreshAtFraction: number;
    /** Back-off after a failed refresh: first wait, doubling per failure up to the ceiling. */
    readonly refreshBackoff: { readonly firstMs: number; readonly maxMs: number };
    /** TOKEN_SOURCE: `own` mints tokens here (or uses the file's fixed ones); `platform` only reads the platform's. */
    readonly source: 'own' | 'platform';
    /** Where the platform keeps its tokens; set exactly when source is `platform`. */
    readonly platform: PlatformTokensConfig | undefined;
  };
}

export interface PlatformTokensConfig {
  /** PLATFORM_TOKEN_REDIS_KEY on PLATFORM_REDIS_URL (default REDIS_URL); or else `http`. */
  readonly redis: { readonly url: string; readonly keyTemplate: string } | undefined;
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
  const messageToken = isSet(env['WECHAT_COMPONENT_MESSAGE_TOKEN']);
  if (messageToken !== isSet(env['WECHAT_COMPONENT_ENCODING_AES_KEY'])) {
    problems.push(
      'WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY go together: set both (to receive WeChat\'s pushes at /wechat/component/events) or neither',
    );
  } else if (messageToken && !isSet(env['WECHAT_COMPONENT_APPID'])) {
    problems.push('WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY need WECHAT_COMPONENT_APPID (and its secret): pushes are checked against it');
  }
  const firstBackoff = Number(env['TOKEN_REFRESH_BACKOFF_MS'] || 1_000);
  const maxBackoff = Number(env['TOKEN_REFRESH_MAX_BACKOFF_MS'] || 60_000);
  if (firstBackoff > maxBackoff) {
    problems.push(`TOKEN_REFRESH_MAX_BACKOFF_MS (${maxBackoff}) must be at least TOKEN_REFRESH_BACKOFF_MS (${firstBackoff}): it is the ceiling the doubling back-off stops at`);
  }
  problems.push(...platformTokenProblems(env), ...authorizationProblems(env));
  return problems;
}

const PLATFORM_VARIABLES = ['PLATFORM_TOKEN_REDIS_KEY', 'PLATFORM_REDIS_URL', 'PLATFORM_TOKEN_URL', 'PLATFORM_TOKEN_SECRET'] as const;

/** TOKEN_SOURCE=platform reads from exactly one place, and has what it needs to read it. */
function platformTokenProblems(env: NodeJS.ProcessEnv): string[] {
  const key = isSet(env['PLATFORM_TOKEN_REDIS_KEY']);
  const url = isSet(env['PLATFORM_TOKEN_URL']);
  if (env['TOKEN_SOURCE']?.trim() !== 'platform') {
    const stray = PLATFORM_VARIABLES.filter((name) => isSet(env[name]));
    return stray.length === 0 ? [] : [`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} only read with TOKEN_SOURCE=platform; set it, or unset them`];
  }
  const problems: string[] = [];
  const where = 'set PLATFORM_TOKEN_REDIS_KEY (the key the platform keeps each token under, on PLATFORM_REDIS_URL or REDIS_URL) or PLATFORM_TOKEN_URL (its token service, with PLATFORM_TOKEN_SECRET)';
  if (!key && !url) problems.push(`TOKEN_SOURCE=platform needs to know where the platform keeps its tokens: ${where}`);
  if (key && url) problems.push(`TOKEN_SOURCE=platform reads from one place: set PLATFORM_TOKEN_REDIS_KEY or PLATFORM_TOKEN_URL, not both`);
  if (key && !isSet(env['PLATFORM_REDIS_URL']) && !isSet(env['REDIS_URL'])) problems.push('PLATFORM_TOKEN_REDIS_KEY needs the Redis it is on: set PLATFORM_REDIS_URL (or REDIS_URL, when the platform shares it)');
  if (key && !env['PLATFORM_TOKEN_REDIS_KEY']!.includes('{authorizerAppId}')) {
    problems.push('PLATFORM_TOKEN_REDIS_KEY must contain {authorizerAppId}, where the authorizer appid goes (for example wechat:authorizer_access_token:{authorizerAppId})');
  }
  if (key && env['PLATFORM_TOKEN_REDIS_KEY']!.includes('{componentAppId}') && !isSet(env['WECHAT_COMPONENT_APPID'])) {
    problems.push('PLATFORM_TOKEN_REDIS_KEY uses {componentAppId}: set WECHAT_COMPONENT_APPID to the platform’s component appid');
  }
  if (url && !env['PLATFORM_TOKEN_URL']!.includes('{authorizerAppId}')) problems.push('PLATFORM_TOKEN_URL must contain {authorizerAppId}, where the authorizer appid goes');
  if (isSet(env['WECHAT_COMPONENT_MESSAGE_TOKEN']) || isSet(env['WECHAT_COMPONENT_ENCODING_AES_KEY'])) {
    problems.push('TOKEN_SOURCE=platform leaves WeChat\'s pushes to the platform: unset WECHAT_COMPONENT_MESSAGE_TOKEN and WECHAT_COMPONENT_ENCODING_AES_KEY (the event receiver would mint tokens here)');
  }
  if (url && !isSet(env['PLATFORM_TOKEN_SECRET'])) problems.push('PLATFORM_TOKEN_URL needs PLATFORM_TOKEN_SECRET, the bearer token the platform’s token service expects');
  if (env['NODE_ENV'] !== 'production' && !isSet(env['WECHAT_API_BASE_URL'])) {
    problems.push('TOKEN_SOURCE=platform needs a real WeChat: set WECHAT_API_BASE_URL (or NODE_ENV=production); the demo’s simulated WeChat knows no platform');
  }
  return problems;
}

/** AUTHORIZATION=subgraph has a key set to check tokens against. */
function authorizationProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
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

/** The resilience settings that must agree with each other. */
function resilienceProblems(parsed: z.infer<typeof environmentModel>): string[] {
  const problems: string[] = [];
  if (parsed.WECHAT_AUTHORIZER_BACKOFF_BASE_MS > parsed.WECHAT_AUTHORIZER_BACKOFF_MAX_MS) {
    problems.push(`WECHAT_AUTHORIZER_BACKOFF_BASE_MS (${parsed.WECHAT_AUTHORIZER_BACKOFF_BASE_MS}) must not exceed WECHAT_AUTHORIZER_BACKOFF_MAX_MS (${parsed.WECHAT_AUTHORIZER_BACKOFF_MAX_MS})`);
  }
  if (parsed.WECHAT_CIRCUIT_MIN_FAILURES > parsed.WECHAT_CIRCUIT_WINDOW) {
    problems.push(`WECHAT_CIRCUIT_MIN_FAILURES (${parsed.WECHAT_CIRCUIT_MIN_FAILURES}) must not exceed WECHAT_CIRCUIT_WINDOW (${parsed.WECHAT_CIRCUIT_WINDOW}): the circuit could never open`);
  }
  if (parsed.WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER > parsed.WECHAT_MAX_CONCURRENCY) {
    problems.push(`WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER (${parsed.WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER}) must not exceed WECHAT_MAX_CONCURRENCY (${parsed.WECHAT_MAX_CONCURRENCY})`);
  }
  return problems;
}

/** The disaster-recovery origin: as set ("none" for none), else api2 for the real WeChat, else none. */
function fallbackBaseUrl(configured: string | undefined, primary: string | undefined): string | undefined {
  if (configured === 'none') return undefined;
  if (configured !== undefined) return configured.replace(/\/$/, '');
  return primary === WECHAT_PRODUCTION_URL ? WECHAT_FALLBACK_URL : undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function platformTokensConfig(parsed: z.infer<typeof environmentModel>): PlatformTokensConfig {
  const redisUrl = parsed.PLATFORM_REDIS_URL ?? parsed.REDIS_URL;
  return Object.freeze({
    redis: parsed.PLATFORM_TOKEN_REDIS_KEY && redisUrl ? Object.freeze({ url: redisUrl, keyTemplate: parsed.PLATFORM_TOKEN_REDIS_KEY }) : undefined,
    http: parsed.PLATFORM_TOKEN_URL && parsed.PLATFORM_TOKEN_SECRET ? Object.freeze({ urlTemplate: parsed.PLATFORM_TOKEN_URL, secret: parsed.PLATFORM_TOKEN_SECRET }) : undefined,
    componentAppId: parsed.WECHAT_COMPONENT_APPID,
    tokenField: parsed.PLATFORM_TOKEN_FIELD,
    expiresAtField: parsed.PLATFORM_TOKEN_EXPIRES_AT_FIELD,
    reuseMs: parsed.PLATFORM_TOKEN_REUSE_MS,
    rejectedBackoffMs: parsed.PLATFORM_TOKEN_BACKOFF_MS,
  });
}

/** Parses the environment; throws a ConfigError that lists every problem found. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = environmentModel.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((issue) => issue.message);
  problems.push(...crossVariableProblems(env));
  if (result.success) problems.push(...resilienceProblems(result.data));
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
      fallbackBaseUrl: fallbackBaseUrl(parsed.WECHAT_API_FALLBACK_BASE_URL, parsed.WECHAT_API_BASE_URL?.replace(/\/$/, '') ?? (production ? WECHAT_PRODUCTION_URL : undefined)),
      circuitWindow: parsed.WECHAT_CIRCUIT_WINDOW,
      circuitMinFailures: parsed.WECHAT_CIRCUIT_MIN_FAILURES,
      circuitMinAuthorizers: parsed.WECHAT_CIRCUIT_MIN_AUTHORIZERS,
      circuitFailurePercent: parsed.WECHAT_CIRCUIT_FAILURE_PERCENT,
      authorizerBackoffBaseMs: parsed.WECHAT_AUTHORIZER_BACKOFF_BASE_MS,
      authorizerBackoffMaxMs: parsed.WECHAT_AUTHORIZER_BACKOFF_MAX_MS,
      maxConcurrencyPerAuthorizer: parsed.WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER || Math.max(1, Math.ceil(parsed.WECHAT_MAX_CONCURRENCY / 8)),
    }),
    cacheTtlMs: parsed.CLOUDENV_CACHE_TTL_MS,
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
    componentEvents:
      parsed.WECHAT_COMPONENT_MESSAGE_TOKEN && parsed.WECHAT_COMPONENT_ENCODING_AES_KEY
        ? Object.freeze({ messageToken: parsed.WECHAT_COMPONENT_MESSAGE_TOKEN, encodingAesKey: parsed.WECHAT_COMPONENT_ENCODING_AES_KEY })
        : undefined,
    store: Object.freeze({ redisUrl: parsed.REDIS_URL, prefix: parsed.WECHAT_REDIS_PREFIX }),
    tokens: Object.freeze({
      refreshAtFraction: parsed.TOKEN_REFRESH_AT_PERCENT / 100,
      refreshBackoff: Object.freeze({ firstMs: parsed.TOKEN_REFRESH_BACKOFF_MS, maxMs: parsed.TOKEN_REFRESH_MAX_BACKOFF_MS }),
      source: parsed.TOKEN_SOURCE,
      platform: parsed.TOKEN_SOURCE === 'platform' ? platformTokensConfig(parsed) : undefined,
    }),
  });
}

/**
 * AUTHORIZERS_FILE as given, even when other variables are invalid: start-up then checks
 * the file as well, so that one message names every problem.
 */
export function declaredAuthorizersFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env['AUTHORIZERS_FILE']?.trim();
  return value ? value : undefined;
}
