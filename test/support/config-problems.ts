/** What loadConfig refuses in `env`: the problems of the ConfigError it throws (the test fails if it accepts `env`). */
import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

export function configProblems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
