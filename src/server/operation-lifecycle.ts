/**
 * What happens once per operation, around its execution: one log line with what an
 * operator needs (operation name, duration, merchants, upstream calls, fields served stale,
 * error codes), the operation metrics, and the deadline timer freed as soon as the response
 * is ready.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import type { Metrics } from '../observability/metrics.js';

export function operationLifecyclePlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, response, errors }) {
          const { deadline, stats, logger } = contextValue;
          deadline.dispose();
          const seconds = (performance.now() - stats.startedAt) / 1000;
          const fieldErrors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const requestFailed = response.body.kind === 'single' && response.body.singleResult.data === undefined && (errors?.length ?? 0) > 0;
          const outcome = requestFailed ? 'request_error' : fieldErrors.length > 0 ? 'field_errors' : 'ok';
          metrics.operations.observe({ operation: metrics.operationLabel(operationName), outcome }, seconds);
          logger.info(
            {
              operationName: operationName ?? null,
              durationMs: Math.round(seconds * 1000),
              merchants: stats.merchants.size,
              upstreamCalls: stats.upstreamCalls,
              staleFields: stats.staleFields,
              errorCodes: [...new Set(fieldErrors.map((error) => String(error.extensions?.['code'] ?? 'UNKNOWN')))],
              outcome,
            },
            'operation',
          );
        },
      };
    },
  };
}
