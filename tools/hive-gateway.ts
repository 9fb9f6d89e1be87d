/**
 * A real Hive Gateway over a supergraph SDL, served by `node:http`: the gateway of
 * `npm run supergraph`, and the second gateway the parity tests hold against @apollo/gateway.
 * It is configured the way this subgraph needs any router to be: subgraph errors reach the
 * client with their extensions and client path, the router secret (and, for
 * AUTHORIZATION=subgraph, the client's Authorization header) goes to the
 * cloud-environments subgraph only, and `@requiresScopes` is enforced when the SDL carries it.
 */
import { type GatewayPlugin, createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo, isObjectType, responsePathAsArray } from 'graphql';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOUD_ENVIRONMENTS_SUBGRAPH } from './supergraph.js';

export { CLOUD_ENVIRONMENTS_SUBGRAPH };

export interface HiveGatewayOptions {
  readonly supergraphSdl: string;
  /** 0 (the default) picks an ephemeral port. */
  readonly port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** Sent as `router-authorization` to the cloud-environments subgraph (its ROUTER_SECRET); unset: nothing is sent. */
  readonly routerSecret?: string | undefined;
  /** Forward the client's `Authorization` header to the cloud-environments subgraph (its AUTHORIZATION=subgraph). */
  readonly forwardAuthorization?: boolean;
  /**
   * The OAuth scopes of the caller behind a request, checked against `@requiresScopes`.
   * A deployed Hive Gateway takes them from a verified JWT (its JWT plugin); this stands in for it.
   */
  readonly scopesOf: (headers: Headers) => readonly string[];
  /** GraphiQL's opening query. */
  readonly exampleQuery?: string;
  /** Hive Gateway's own log level; false: silent. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | false;
}

export interface RunningHiveGateway {
  /** e.g. http://localhost:4000/graphql (GraphiQL on GET from a browser). */
  readonly url: string;
  close(): Promise<void>;
}

interface Caller {
  readonly scopes: readonly string[];
}

export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningHiveGateway> {
  const gateway = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    logging: options.logLevel ?? 'warn',
    graphiql: options.exampleQuery ? { defaultQuery: options.exampleQuery } : true,
    // Masking turns only the gateway's own unexpected errors into "Unexpected error." (with
    // NODE_ENV=development it attaches their original message): a subgraph's errors arrive as
    // GraphQLErrors and pass with their extensions whatever NODE_ENV says.
    maskedErrors: true,
    // Adds `serviceName`, and DOWNSTREAM_SERVICE_ERROR only where a subgraph gave no `code`:
    // the subgraph's code, retryable, merchantId and wechat pass untouched, as through @apollo/gateway.
    subgraphErrors: { errorCode: 'DOWNSTREAM_SERVICE_ERROR', subgraphNameProp: 'serviceName' },
    propagateHeaders: {
      fromClientToSubgraphs({ request, subgraphName }) {
        const headers: Record<string, string> = {};
        const requestId = request.headers.get('x-request-id');
        if (requestId) headers['x-request-id'] = requestId;
        if (subgraphName === CLOUD_ENVIRONMENTS_SUBGRAPH && options.routerSecret) headers['router-authorization'] = options.routerSecret;
        const authorization = request.headers.get('authorization');
        if (subgraphName === CLOUD_ENVIRONMENTS_SUBGRAPH && options.forwardAuthorization && authorization) headers['authorization'] = authorization;
        return headers;
      },
    },
    // Checked before anything is planned: a field the caller may not read is taken out of the
    // operation and answered null with UNAUTHORIZED_FIELD_OR_TYPE while the rest runs, as
    // Apollo Router does (rejectUnauthenticated: false), and never reaches the subgraph.
    genericAuth: {
      mode: 'protect-granular',
      rejectUnauthenticated: false,
      resolveUserFn: ({ request }): Caller => ({ scopes: options.scopesOf(request.headers) }),
      extractScopes: (caller: Caller) => [...caller.scopes],
      validateUser: ({ typeScopes, fieldScopes, userScopes, fieldNode, path }) => {
        if (holdsScopes(typeScopes, userScopes) && holdsScopes(fieldScopes, userScopes)) return undefined;
        // Apollo Router's answer: 200 with the error, where the plugin's own default would make it HTTP 401.
        return new GraphQLError('Unauthorized field or type', { nodes: [fieldNode], path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
      },
    },
    plugins: () => [useClientErrorPaths()],
  });
  const server = createServer(gateway);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/graphql`,
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeIdleConnections();
      await closed;
      await gateway.dispose();
    },
  };
}

/** `@requiresScopes(scopes: [["a", "b"], ["c"]])` means (a and b) or c; no directive, no requirement. */
function holdsScopes(required: readonly (readonly string[])[] | undefined, held: readonly string[]): boolean {
  if (!required?.length) return true;
  return required.some((all) => all.every((scope) => held.includes(scope)));
}

/** Reads a space-separated list of scopes from a request header, the shape of an OAuth token's `scope` claim. */
export function scopesFromHeader(name: string): (headers: Headers) => readonly string[] {
  return (headers) => (headers.get(name) ?? '').split(' ').filter(Boolean);
}

/**
 * Hive Gateway's batched entity fetches drop the list index from subgraph errors' paths
 * (`["merchants", "cloudEnvironments"]` for `["merchants", 3, "cloudEnvironments"]`;
 * graphql-hive/gateway#1556, ardatan/graphql-tools#2950). The error travels in the merged data
 * as the value of the field it belongs to, so where a field resolves to an error, that field's
 * own path is the client path: relocate it there, as @apollo/gateway reports it.
 */
function useClientErrorPaths(): GatewayPlugin {
  const wrapped = new WeakSet<GraphQLFieldResolver<unknown, unknown>>();
  return {
    onSchemaChange({ schema }) {
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        for (const field of Object.values(type.getFields())) {
          const resolve = field.resolve;
          if (!resolve || wrapped.has(resolve)) continue;
          const relocating: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
            const result: unknown = resolve(source, args, context, info);
            if (!isThenable(result)) return atClientPath(result, info);
            return Promise.resolve(result).then(
              (value) => atClientPath(value, info),
              (error: unknown) => Promise.reject(atClientPath(error, info)),
            );
          };
          wrapped.add(relocating);
          field.resolve = relocating;
        }
      }
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function atClientPath(value: unknown, info: GraphQLResolveInfo): unknown {
  if (value instanceof AggregateError) return new AggregateError(value.errors.map((error) => atClientPath(error, info)), value.message);
  if (!(value instanceof GraphQLError) || !value.path) return value;
  const path = clientPath(value.path, responsePathAsArray(info.path));
  if (!path) return value;
  return new GraphQLError(value.message, { nodes: value.nodes, source: value.source, positions: value.positions, path, originalError: value.originalError, extensions: value.extensions });
}

/**
 * The error's path with the field's list indices put back, and whatever the error path has
 * below the field kept: `[merchants, cloudEnvironments, 0, status]` at field
 * `[merchants, 3, cloudEnvironments]` is `[merchants, 3, cloudEnvironments, 0, status]`.
 * Undefined when the error's path names other fields or is already the client's.
 */
function clientPath(errorPath: readonly (string | number)[], fieldPath: readonly (string | number)[]): (string | number)[] | undefined {
  let at = 0;
  for (const segment of fieldPath) {
    if (typeof segment === 'number') {
      if (typeof errorPath[at] === 'number') at += 1;
    } else if (errorPath[at] === segment) {
      at += 1;
    } else {
      return undefined;
    }
  }
  const path = [...fieldPath, ...errorPath.slice(at)];
  return path.length === errorPath.length && path.every((segment, index) => segment === errorPath[index]) ? undefined : path;
}
