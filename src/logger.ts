/**
 * One pino logger for the subgraph, Apollo Server and the HTTP framework alike. Secrets
 * are redacted by configuration, so a careless log call cannot leak one: token- and
 * secret-bearing fields by path, and `access_token=` query strings inside any message.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubTokens } from './wechat/errors.js';

const SECRET_FIELDS = [
  'accessToken',
  'authorizerAccessToken',
  'authorizer_access_token',
  'refreshToken',
  'authorizerRefreshToken',
  'authorizer_refresh_token',
  'componentAccessToken',
  'component_access_token',
  'appSecret',
  'component_appsecret',
  'token',
  'secret',
  'routerSecret',
];

export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'headers.authorization',
  'headers["router-authorization"]',
];

/** Scrubs token query strings from every string argument of a log call (messages, URLs). */
function scrubArguments(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubTokens(arg) : arg)));
}

/** Scrubs token query strings from the logged object's own string fields (a URL, an error text). */
function scrubFields(object: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) scrubbed[key] = typeof value === 'string' ? scrubTokens(value) : value;
  return scrubbed;
}

export interface LoggerOptions {
  readonly level: string;
  /** Human-readable lines for a developer's terminal instead of JSON. */
  readonly pretty?: boolean;
  /** Where JSON lines go (tests capture them); stdout by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    hooks: { logMethod: scrubArguments },
    formatters: { log: scrubFields },
    base: { service: 'cloud-environments' },
  };
  if (options.pretty && !options.destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
