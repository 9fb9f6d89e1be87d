/**
 * The `env` argument is checked before anything is asked of WeChat: an id that cannot
 * exist is the caller's mistake, and costs no upstream call or quota.
 */
import { GraphQLError } from 'graphql';
import { INPUT_RULES } from '../errors/error-codes.js';

const ENV_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertEnvArgument(env: string | null | undefined): string | undefined {
  if (env === null || env === undefined) return undefined;
  if (!ENV_ID.test(env)) {
    throw new GraphQLError(INPUT_RULES.env.message, { extensions: { code: INPUT_RULES.env.code, argumentName: 'env' } });
  }
  return env;
}
