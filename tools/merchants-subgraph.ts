/**
 * A stand-in for the subgraph that owns Merchant: names and ids for the demo merchants,
 * so the composed supergraph can be queried the way client apps will query it. Used by
 * the gateway tests and the local supergraph; production composes the real one. With
 * `authorizerField` (the subgraph's MERCHANT_AUTHORIZER_FIELD) it also serves each
 * merchant's mini-program appid under that name, as a merchants subgraph that knows them does.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';
import demoAuthorizers from '../src/simulator/demo-authorizers.json' with { type: 'json' };

/** The stand-in's SDL; with `authorizerField`, Merchant has that field: the appid, null for a merchant without a mini program. */
export function merchantsTypeDefs(authorizerField?: string): DocumentNode {
  const appIdField =
    authorizerField === undefined ? '' : `"The merchant's WeChat mini program appid; null when it has none."\n    ${authorizerField}: String\n`;
  return gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  "A merchant of the company."
  type Merchant @key(fields: "id") {
    "The merchant's id, shared by every subgraph."
    id: ID!
    "The merchant's display name."
    name: String!
    ${appIdField}
  }

  type Query {
    "Every merchant."
    merchants: [Merchant!]!
    "One merchant by id; null when there is none."
    merchant(id: ID!): Merchant
  }
`;
}

export const MERCHANTS_TYPE_DEFS = merchantsTypeDefs();

export interface MerchantRecord {
  readonly id: string;
  readonly name: string;
  /** The mini program's appid, served under `authorizerField`; unset or null: none. */
  readonly authorizerAppId?: string | null;
}

/** The demo authorizers file's merchant → appid: what the merchants subgraph would know in the demo world. */
const demoAppIds = new Map(demoAuthorizers.merchants.map((entry) => [entry.merchantId, entry.authorizerAppId]));

/** The demo merchants, including one that never authorized the WeChat platform (m_3001, no mini program). */
export const DEMO_MERCHANTS: readonly MerchantRecord[] = [
  { id: 'm_1001', name: 'Acme Coffee' },
  { id: 'm_1002', name: 'Acme Tea House' },
  { id: 'm_1003', name: 'Blue Harbor Books' },
  { id: 'm_2001', name: 'Expired Token Bakery' },
  { id: 'm_2002', name: 'No Permission Florist' },
  { id: 'm_2003', name: 'Busy Noodle Bar' },
  { id: 'm_2004', name: 'No CloudBase Cinema' },
  { id: 'm_2005', name: 'Lost Authorization Toys' },
  { id: 'm_3001', name: 'Never Authorized Shoes' },
].map((merchant) => ({ ...merchant, authorizerAppId: demoAppIds.get(merchant.id) ?? null }));

export interface MerchantsSubgraphOptions {
  readonly merchants?: readonly MerchantRecord[];
  /** Serve each merchant's appid under this Merchant field (MERCHANT_AUTHORIZER_FIELD). */
  readonly authorizerField?: string | undefined;
}

export function buildMerchantsSchema(options: MerchantsSubgraphOptions = {}) {
  const merchants = options.merchants ?? DEMO_MERCHANTS;
  const byId = new Map(merchants.map((merchant) => [merchant.id, merchant]));
  const { authorizerField } = options;
  return buildSubgraphSchema([
    {
      typeDefs: merchantsTypeDefs(authorizerField),
      resolvers: {
        Query: {
          merchants: () => merchants,
          merchant: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
        },
        Merchant: {
          __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null,
          ...(authorizerField === undefined ? {} : { [authorizerField]: (merchant: MerchantRecord) => merchant.authorizerAppId ?? null }),
        },
      },
    },
  ]);
}

/** Serves the merchants subgraph over HTTP; resolves its URL. */
export async function startMerchantsSubgraph(options: MerchantsSubgraphOptions & { port?: number } = {}) {
  // Warnings and errors only: a stand-in has nothing to say at info level.
  const quiet = { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };
  // Whoever started it stops it: Apollo's own signal handler would re-raise the signal mid-shutdown.
  const server = new ApolloServer({ schema: buildMerchantsSchema(options), logger: quiet, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: options.port ?? 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
