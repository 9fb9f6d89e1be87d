/**
 * The one model of the environment: parsed once at boot, every problem reported at once,
 * then a frozen, typed object. Nothing else in the subgraph reads `process.env`.
 */
import { z } from 'zod';

const WECHAT_PRODUCTION_URL = 'https://api.weixin.qq.com';

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
  };
  /** Undefined only in demo mode, where the bundled demo file is used. */
  readonly authorizersFile: string | undefined;
}

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';

/** Outside demo mode the merchants must come from somewhere; checked on the raw values so it is reported alongside any other problem. */
function missingAuthorizersFile(env: NodeJS.ProcessEnv): string | undefined {
  if (isSet(env['AUTHORIZERS_FILE'])) return undefined;
  const what = 'name the JSON file that maps merchants to their WeChat authorizers';
  if (env['NODE_ENV'] === 'production') return `AUTHORIZERS_FILE is required in production: ${what}`;
  if (isSet(env['WECHAT_API_BASE_URL'])) return `AUTHORIZERS_FILE is required when WECHAT_API_BASE_URL is set: ${what}`;
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
  const missingFile = missingAuthorizersFile(env);
  if (missingFile) problems.push(missingFile);
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
    }),
    authorizersFile: parsed.AUTHORIZERS_FILE,
  });
}
