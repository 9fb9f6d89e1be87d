/**
 * How one authorizer's requests in an operation become one getEnvInfo call: a batch
 * that asks for exactly one thing sends it as is; any larger batch asks for every
 * environment once and each request is answered from that list.
 */

/** The key for "every environment": `*` cannot be an env id, which are [A-Za-z0-9_-]. */
export const ALL_ENVIRONMENTS = '*';

export type EnvironmentQuery = typeof ALL_ENVIRONMENTS | (string & {});

/** The `env` to send upstream for a batch, or undefined to ask for every environment. */
export function upstreamEnvFor(queries: readonly EnvironmentQuery[]): string | undefined {
  const only = queries.length === 1 ? queries[0] : undefined;
  return only === undefined || only === ALL_ENVIRONMENTS ? undefined : only;
}

/** Answers one query from the environments one call returned. */
export function answerQuery<T extends { readonly env: string }>(query: EnvironmentQuery, environments: readonly T[]): T[] {
  if (query === ALL_ENVIRONMENTS) return [...environments];
  return environments.filter((environment) => environment.env === query);
}
