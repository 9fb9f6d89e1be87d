/** What the stale-answer tests share: merchants on distinct authorizers, a query that reads each answer's age, and the log lines about it. */
import type { SimulatedFault } from '../../src/simulator/index.js';
import { merchantRepresentations, postGraphQL } from './graphql-http.js';
import { environment, testMerchants } from './merchants.js';
import type { SubgraphStack } from './stack.js';

/** m_a and m_b (two environments each) and m_c, each on its own authorizer a, b, c. */
export const STALE_MERCHANTS = testMerchants([
  { merchantId: 'm_a', authorizer: 'a', environments: [environment('prod-a'), environment('test-a', { status: 'HALTED' })] },
  { merchantId: 'm_b', authorizer: 'b', environments: [environment('prod-b'), environment('test-b')] },
  { merchantId: 'm_c', authorizer: 'c', environments: [environment('prod-c')] },
]);

export const appIdOf = (merchantId: string) => STALE_MERCHANTS.entries.find((entry) => entry.merchantId === merchantId)!.authorizerAppId;

/** WeChat-wide: every call answers HTTP 503 until the outage ends. */
export const OUTAGE: SimulatedFault = { kind: 'http', status: 503, body: '<html><body>503 Service Unavailable</body></html>' };

const AGED_QUERY = `query Aged($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Merchant { id cloudEnvironments { env status fetchedAt } } }
}`;

export const AGED_ONE_ENV_QUERY = `query AgedOne($representations: [_Any!]!, $env: String!) {
  _entities(representations: $representations) { ... on Merchant { id cloudEnvironments(env: $env) { env fetchedAt } } }
}`;

export interface AgedEnvironment {
  readonly env: string;
  readonly status?: string;
  readonly fetchedAt: string;
}

export interface AgedMerchant {
  readonly id: string;
  readonly cloudEnvironments: AgedEnvironment[] | null;
}

export async function aged(url: string, merchantIds: readonly string[], headers: Record<string, string> = {}) {
  const response = await postGraphQL<{ _entities: AgedMerchant[] }>(url, AGED_QUERY, { representations: merchantRepresentations(...merchantIds) }, headers);
  return { ...response, merchants: response.body.data?._entities ?? [], cacheControl: response.headers.get('cache-control') };
}

/** The error code of each merchant's field, or `data` where it had data. */
export function outcomes(response: Awaited<ReturnType<typeof aged>>): Record<string, string> {
  return Object.fromEntries(
    response.merchants.map((merchant, index) => {
      const error = response.body.errors?.find((candidate) => candidate.path?.[1] === index);
      return [merchant.id, merchant.cloudEnvironments === null ? String(error?.extensions?.['code']) : 'data'];
    }),
  );
}

/** The one instant a field's answer was read, checking every environment of it says the same. */
export function fetchedAtOf(merchant: AgedMerchant | undefined): Date {
  const instants = new Set(merchant?.cloudEnvironments?.map((environment) => environment.fetchedAt));
  if (instants.size !== 1) throw new Error(`expected one fetchedAt for ${merchant?.id}, got ${JSON.stringify(merchant)}`);
  return new Date([...instants][0]!);
}

/** RFC 3339 prints whole seconds: the second an instant falls in. */
export const wholeSecond = (instant: number) => new Date(Math.floor(instant / 1000) * 1000);

/** Parsed log lines whose message contains `text` (for one authorizer, when given). */
export function logLinesAbout(stack: SubgraphStack, text: string, authorizerAppId?: string): Array<Record<string, unknown>> {
  return stack.logs.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => String(line['msg']).includes(text) && (authorizerAppId === undefined || line['authorizerAppId'] === authorizerAppId));
}

/** Every sample of GET /metrics whose name and labels start with `prefix`, by name and labels. */
export async function samples(stack: SubgraphStack, prefix: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', stack.subgraph.url))).text();
  const lines = text.split('\n').filter((line) => line.startsWith(prefix));
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

/** One sample of a counter from GET /metrics (0 when it has none yet). */
export async function counter(stack: SubgraphStack, sample: string): Promise<number> {
  return (await samples(stack, sample))[sample] ?? 0;
}
