/**
 * Composition of this subgraph with the merchants stand-in, as a supergraph would see
 * them: the printed subgraph SDL, the supergraph SDL and the client-facing API schema.
 */
import { composeServices } from '@apollo/composition';
import { type DocumentNode, parse, printSchema } from 'graphql';
import type { SchemaOptions } from '../src/schema/build-schema.js';
import { printCloudEnvironmentsSdl } from '../src/schema/print-schema.js';
import { merchantsTypeDefs } from './merchants-subgraph.js';

/** This subgraph's name in the supergraph (routers address its headers by it). */
export const CLOUD_ENVIRONMENTS_SUBGRAPH = 'cloud-environments';

export const LOCAL_URLS = {
  cloudEnvironments: 'http://localhost:4001/graphql',
  merchants: 'http://localhost:4002/graphql',
} as const;

export interface ComposedSupergraph {
  readonly supergraphSdl: string;
  readonly apiSchemaSdl: string;
}

/**
 * Composes the two subgraphs, this one with the SDL it serves under `schemaOptions` (the
 * default configuration unless told; with an `authorizerField`, the merchants stand-in
 * serves that field); throws with every composition error when they do not compose.
 */
export function composeSupergraph(urls: { cloudEnvironments: string; merchants: string } = LOCAL_URLS, schemaOptions: SchemaOptions = {}): ComposedSupergraph {
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [
    { name: 'merchants', url: urls.merchants, typeDefs: merchantsTypeDefs(schemaOptions.authorizerField) },
    { name: CLOUD_ENVIRONMENTS_SUBGRAPH, url: urls.cloudEnvironments, typeDefs: parse(printCloudEnvironmentsSdl(schemaOptions)) },
  ];
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`The subgraphs do not compose:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}
