/**
 * What two gateways must agree on when they answer the same operation: the data, and for
 * each error its message, client path and the subgraph's extensions. Left out: what a
 * gateway adds on its own (`locations`, `extensions.serviceName`), and WeChat's request ids,
 * which differ per call (their presence and shape stay compared).
 */
import type { GraphQLResponse } from './graphql-http.js';

const WECHAT_RID = /\b[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}\b/g;
const GATEWAY_EXTENSIONS = new Set(['serviceName']);

export interface ComparableAnswer {
  readonly status: number;
  readonly data: unknown;
  readonly errors: readonly ComparableError[];
}

export interface ComparableError {
  readonly message: string;
  readonly path: ReadonlyArray<string | number> | undefined;
  readonly extensions: Record<string, unknown>;
}

export function comparableAnswer(response: GraphQLResponse<unknown>): ComparableAnswer {
  const errors = (response.body.errors ?? []).map(
    (error): ComparableError => ({
      message: withoutRids(error.message),
      path: error.path,
      extensions: withoutRids(Object.fromEntries(Object.entries(error.extensions ?? {}).filter(([key]) => !GATEWAY_EXTENSIONS.has(key)))),
    }),
  );
  // The order of errors carries no meaning, and the two gateways finish fields in their own order.
  errors.sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)) || a.message.localeCompare(b.message));
  return { status: response.status, data: response.body.data, errors };
}

function withoutRids<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(WECHAT_RID, '<rid>')) as T;
}
