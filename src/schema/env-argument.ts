/**
 * The `env` argument is checked before anything is asked of WeChat: an id that cannot
 * exist is the caller's mistake, and costs no upstream call or quota.
 */
import { GraphQLError } from 'graphql';

const ENV_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertEnvArgument(env: string | null | undefined): string | undefined {
  if (env === null || env === undefined) return undefined;
  if (!ENV_ID.test(env)) {
    throw new GraphQLError(
      'Argument "env" must be a WeChat environment id: 1 to 64 characters from A-Z, a-z, 0-9, "_" and "-" (e.g. test2-4a89da). Omit it to list every environment.',
      { extensions: { code: 'BAD_USER_INPUT', argumentName: 'env' } },
    );
  }
  return env;
}
