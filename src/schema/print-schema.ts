/** The subgraph SDL as `_service { sdl }` serves it and `schema/cloud-environments.graphql` holds it. */
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildCloudEnvironmentsSchema } from './build-schema.js';

export function printCloudEnvironmentsSdl(): string {
  return printSubgraphSchema(buildCloudEnvironmentsSchema());
}
