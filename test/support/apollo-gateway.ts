/**
 * A real, unmodified @apollo/gateway over a supergraph SDL, sending the router secret and
 * (for AUTHORIZATION=subgraph) the client's Authorization header to the cloud-environments
 * subgraph the way docs/authorization.md tells @apollo/gateway users to.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CLOUD_ENVIRONMENTS_SUBGRAPH } from '../../tools/hive-gateway.js';

export interface RunningApolloGateway {
  readonly url: string;
  stop(): Promise<void>;
}

interface GatewayContext {
  readonly authorization: string | undefined;
}

export async function startApolloGateway(options: { supergraphSdl: string; routerSecret?: string; forwardAuthorization?: boolean }): Promise<RunningApolloGateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          if (name !== CLOUD_ENVIRONMENTS_SUBGRAPH) return;
          if (options.routerSecret) request.http?.headers.set('router-authorization', options.routerSecret);
          if (options.forwardAuthorization && context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}
