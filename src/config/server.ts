/**
 * The process and its HTTP listener: NODE_ENV, where it listens, how much it logs, how long
 * SIGTERM waits, and whether introspection is on.
 */
import { z } from 'zod';
import { integer, optionalString } from './variables.js';

export const serverModel = z.object({
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
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 0, 120_000, 10_000),
  INTROSPECTION: z
    .enum(['true', 'false', ''], { message: 'INTROSPECTION must be true or false' })
    .optional()
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : undefined)),
});

export type ServerVariables = z.output<typeof serverModel>;

export interface ServerConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** How long SIGTERM waits for in-flight operations before closing anyway. */
  readonly shutdownTimeoutMs: number;
  /** Introspection and the Sandbox landing page; on outside production unless INTROSPECTION=false. */
  readonly introspection: boolean;
}

export function isProduction(values: Pick<ServerVariables, 'NODE_ENV'>): boolean {
  return values.NODE_ENV === 'production';
}

export function serverConfig(values: ServerVariables): ServerConfig {
  return {
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    introspection: values.INTROSPECTION ?? !isProduction(values),
  };
}
