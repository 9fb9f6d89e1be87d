/**
 * A real @apollo/gateway over a supergraph SDL, sending the router secret to the
 * cloud-environments subgraph the way the README tells @apollo/gateway users to.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CLOUD_ENVIRONMENTS_SUBGRAPH } from '../../tools/hive-gateway.js';
import { routableByApolloGateway } from '../../tools/supergraph.js';

export interface RunningApolloGateway {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startApolloGateway(options: { supergraphSdl: string; routerSecret?: string }): Promise<RunningApolloGateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: routableByApolloGateway(options.supergraphSdl),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          if (name === CLOUD_ENVIRONMENTS_SUBGRAPH && options.routerSecret) request.http?.headers.set('router-authorization', options.routerSecret);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
