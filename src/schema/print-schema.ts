/** The subgraph SDL as `_service { sdl }` serves it and (default options) `schema/cloud-environments.graphql` holds it. */
import { printSubgraphSchema } from '@apollo/subgraph';
import { type SchemaOptions, buildCloudEnvironmentsSchema } from './build-schema.js';

export function printCloudEnvironmentsSdl(options: SchemaOptions = {}): string {
  return printSubgraphSchema(buildCloudEnvironmentsSchema(options));
}
