/**
 * One pino logger for the subgraph, Apollo Server and the HTTP framework alike. Token-
 * bearing fields are redacted by configuration, so a careless log call cannot leak one.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'accessToken',
  '*.accessToken',
  'authorizerAccessToken',
  '*.authorizerAccessToken',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers["router-authorization"]',
];

export interface LoggerOptions {
  readonly level: string;
  /** Human-readable lines for a developer's terminal instead of JSON. */
  readonly pretty?: boolean;
  /** Where JSON lines go (tests capture them); stdout by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' }, base: { service: 'cloud-environments' } };
  if (options.pretty && !options.destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
