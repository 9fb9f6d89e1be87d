/**
 * What happens once per operation, around its execution: the operation's deadline timer
 * is freed as soon as the response is ready, rather than lingering until it would fire.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';

export const operationLifecyclePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue }) {
        contextValue.deadline.dispose();
      },
    };
  },
};
