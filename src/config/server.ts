/**
 * The process and its HTTP listeners: NODE_ENV, where GraphQL listens and, when EVENTS_PORT
 * is set, where WeChat's pushes are received (a listener of its own, the only one to face
 * the internet); how much it logs, how long SIGTERM waits, how often the shared
 * dependencies are checked for /readyz, and whether introspection is on.
 */
import { z } from 'zod';
import { integer, optionalBoolean, optionalInteger, optionalString } from './variables.js';

/** Every interface: what a container needs. The demo listens on loopback instead. */
const ANY_INTERFACE = '0.0.0.0';
const LOOPBACK = '127.0.0.1';

export const serverModel = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'NODE_ENV must be development, production or test' })
    .default('development'),
  PORT: integer('PORT', 0, 65_535, 4001),
  HOST: optionalString,
  EVENTS_PORT: optionalInteger('EVENTS_PORT', 0, 65_535),
  EVENTS_HOST: optionalString,
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 0, 120_000, 10_000),
  DEPENDENCY_CHECK_INTERVAL_MS: integer('DEPENDENCY_CHECK_INTERVAL_MS', 50, 600_000, 5_000),
  INTROSPECTION: optionalBoolean('INTROSPECTION'),
});

export type ServerVariables = z.output<typeof serverModel>;

export interface ServerConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** GraphQL at /graphql, /healthz, /readyz, /metrics; and the event receiver unless `events` is set. */
  readonly port: number;
  readonly host: string;
  /** EVENTS_PORT: the event receiver's own listener, which serves nothing else; undefined: the receiver shares `port`. */
  readonly events: { readonly port: number; readonly host: string } | undefined;
  readonly logLevel: string;
  /** How long SIGTERM waits for in-flight operations before closing anyway. */
  readonly shutdownTimeoutMs: number;
  /** How often the store, the platform, the JWKS and the ticket are checked for /readyz and cloudenv_degraded (and the longest one check may take). */
  readonly dependencyCheckIntervalMs: number;
  /** Introspection and the Sandbox landing page; on outside production unless INTROSPECTION=false. */
  readonly introspection: boolean;
}

export function isProduction(values: Pick<ServerVariables, 'NODE_ENV'>): boolean {
  return values.NODE_ENV === 'production';
}

/** `demo`: the demo, which nobody but this machine should reach, listens on loopback unless HOST says otherwise. */
export function serverConfig(values: ServerVariables, demo: boolean): ServerConfig {
  const host = values.HOST ?? (demo ? LOOPBACK : ANY_INTERFACE);
  return {
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host,
    events: values.EVENTS_PORT === undefined ? undefined : Object.freeze({ port: values.EVENTS_PORT, host: values.EVENTS_HOST ?? host }),
    logLevel: values.LOG_LEVEL,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    dependencyCheckIntervalMs: values.DEPENDENCY_CHECK_INTERVAL_MS,
    introspection: values.INTROSPECTION ?? !isProduction(values),
  };
}
