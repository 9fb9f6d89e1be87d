/**
 * Apollo Server refuses introspection with advice for its own API ("pass introspection:
 * true to ApolloServer"); the operator of this subgraph needs the variable to set, and a
 * gateway developer needs to know `_service { sdl }` still answers.
 */
import type { GraphQLFormattedError } from 'graphql';

export function explainDisabledIntrospection(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.['validationErrorCode'] !== 'INTROSPECTION_DISABLED') return formatted;
  return {
    ...formatted,
    message:
      'Introspection is off on this subgraph (the production default); set INTROSPECTION=true to enable it. Gateways and rover read the schema from `_service { sdl }`, which stays available.',
  };
}
