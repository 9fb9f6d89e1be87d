/** What the config tests share: the problems loadConfig finds, and the resilience defaults as documented. */
import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

/** What loadConfig refuses in `env`: the problems of the ConfigError it throws (the test fails if it accepts `env`). */
export function configProblems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** Production as it may start: closed by the router's secret (production refuses to start open). */
export const PRODUCTION = Object.freeze({ NODE_ENV: 'production', ROUTER_SECRET: 'a-router-secret-of-32-characters' });

/** The resilience settings' defaults (docs/resilience.md). */
export const RESILIENCE_DEFAULTS = {
  fallbackBaseUrl: undefined,
  circuitWindow: 40,
  circuitMinFailures: 10,
  circuitMinAuthorizers: 3,
  circuitFailurePercent: 50,
  authorizerBackoffBaseMs: 1000,
  authorizerBackoffMaxMs: 60000,
};
