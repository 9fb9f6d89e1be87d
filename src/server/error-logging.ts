/**
 * Logs every error an operation met, once, under the operation's request id, with what an
 * operator needs: the code, the merchant, WeChat's errcode and rid, and what the client is
 * not told: the failure as it was met (store keys, URLs, what to run) and the table's
 * to-do for an operator. Our own bugs (malformed calls, unexpected exceptions) are logged
 * at error level; a merchant's WeChat state is routine.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { CloudEnvironmentError } from '../schema/cloud-environment-error.js';

function describe(error: GraphQLError) {
  const original = error.originalError;
  if (original instanceof CloudEnvironmentError) {
    const { code, merchantId, wechat } = original.extensions;
    const { failure, operatorAction } = original.detail;
    return { level: original.ourBug ? ('error' as const) : ('info' as const), fields: { code, merchantId, wechat, path: error.path, failure, operatorAction } };
  }
  if (original && !(original as { extensions?: unknown }).extensions) {
    return { level: 'error' as const, fields: { path: error.path, err: original } };
  }
  return { level: 'info' as const, fields: { code: error.extensions['code'], path: error.path } };
}

export const errorLoggingPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          const { level, fields } = describe(error);
          contextValue.logger[level]({ operationName, ...fields }, error.message);
        }
      },
    };
  },
};
