import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { assertEnvArgument } from '../../src/schema/env-argument.js';

describe('assertEnvArgument', () => {
  it.each([
    ['a documented env id', 'test2-4a89da'],
    ['64 characters', 'a'.repeat(64)],
    ['an underscore', 'my_env'],
    ['a single character', 'x'],
    ['upper case and digits', 'PROD-0123'],
  ])('accepts %s', (_what, env) => {
    expect(assertEnvArgument(env)).toBe(env);
  });

  it('treats null as no env', () => {
    expect(assertEnvArgument(null)).toBeUndefined();
  });

  it('treats undefined as no env', () => {
    expect(assertEnvArgument(undefined)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'test2 4a89da'],
    ['unicode', '测试环境'],
    ['a look-alike dash', 'test2‐4a89da'],
    ['SQL', "'; DROP TABLE envs; --"],
    ['a newline', 'test2-4a89da\n'],
    ['a path', '../etc/passwd'],
    ['a null byte', 'test2\u00004a89da'],
    ['the all-environments key', '*'],
  ])('refuses %s with BAD_USER_INPUT', (_what, env) => {
    let caught: unknown;
    try {
      assertEnvArgument(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphQLError);
    expect((caught as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'env' });
  });

  it('tells the caller what an env id looks like', () => {
    expect(() => assertEnvArgument('bad env')).toThrow(/1 to 64 characters from A-Z, a-z, 0-9, "_" and "-"/);
  });
});
