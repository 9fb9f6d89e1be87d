/**
 * The HTTP face of the subgraph: fastify serving GraphQL at /graphql through Apollo
 * Server, and /healthz and /readyz for orchestrators. Each operation gets a fresh context,
 * so batching never crosses operations. The edge checks live one per module beside this
 * one: the router secret (router-secret.ts), refusals of malformed requests
 * (request-errors.ts), depth and field limits (operation-limits.ts) and the
 * representations check (entities-guard.ts).
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Metrics } from '../observability/metrics.js';
import { scrubSecrets } from '../observability/scrub-secrets.js';
import { type Context, type ContextSources, createContext } from '../context.js';
import { cachePolicyPlugin } from './cache-policy.js';
import { entitiesGuardPlugin } from './entities-guard.js';
import { errorLoggingPlugin } from './error-logging.js';
import { exampleOperation } from './landing-example.js';
import { operationLifecyclePlugin } from './operation-lifecycle.js';
import { operationLimitsRule } from './operation-limits.js';
import { requestErrorHandler } from './request-errors.js';
import { requireRouterSecret } from './router-secret.js';

export interface ServerOptions {
  readonly schema: GraphQLSchema;
  readonly sources: ContextSources;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** Merchants the Sandbox example query asks for. */
  readonly exampleMerchantIds: readonly string[];
  /** Whether this replica should receive traffic (store reachable, not shutting down). */
  readonly readiness: () => Promise<{ ready: boolean; reason?: string }>;
  readonly limits: Config['limits'];
  /** When set, requests must carry it in `router-authorization`. */
  readonly routerSecret: string | undefined;
  /** Introspection and the Sandbox landing page. */
  readonly introspection: boolean;
}

/**
 * Apollo Server refuses introspection with advice for its own API ("pass introspection:
 * true to ApolloServer"); the operator of this subgraph needs the variable to set, and a
 * gateway developer needs to know `_service { sdl }` still answers.
 */
function explainDisabledIntrospection(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.['validationErrorCode'] !== 'INTROSPECTION_DISABLED') return formatted;
  return {
    ...formatted,
    message:
      'Introspection is off on this subgraph (the production default); set INTROSPECTION=true to enable it. Gateways and rover read the schema from `_service { sdl }`, which stays available.',
  };
}

/**
 * In production, an error the subgraph did not mean to show (an exception from a bug)
 * reaches the client as a bare "Internal server error"; its details stay in the log.
 * Errors with a code of ours or GraphQL's pass through unchanged.
 */
function maskUnexpectedErrors(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError || formatted.extensions?.['code'] !== 'INTERNAL_SERVER_ERROR') return formatted;
  return { ...formatted, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const refuseRequest = requestErrorHandler(options.limits.maxBodyBytes);
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Fastify's per-request lines would double the per-operation logging.
    // Its per-request child logger (bound as requestId) is the operation's logger too.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // A larger body is refused (413) before it is buffered in full or parsed.
    bodyLimit: options.limits.maxBodyBytes,
    // Refusals fastify makes before routing (a malformed URL), answered and logged as every other refusal.
    frameworkErrors: (error, request, reply) => refuseRequest(error, request, reply),
  });
  app.setErrorHandler(refuseRequest);
  // The request id (the gateway's x-request-id, or one made here) goes back with the answer, to match log lines.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const production = options.nodeEnv === 'production';
  // Sandbox is useless without introspection, and would show the schema to anyone.
  const landingPage = !options.introspection
    ? ApolloServerPluginLandingPageDisabled()
    : production
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, ...exampleOperation(options.exampleMerchantIds) });

  const apollo = new ApolloServer<Context>({
    schema: options.schema,
    logger: options.logger,
    // Stack traces go to the log, never to clients: they say nothing a caller can act on.
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      const explained = explainDisabledIntrospection(formatted);
      const shown = production ? maskUnexpectedErrors(explained, error) : explained;
      // An unexpected error shown outside production may quote a secret: it goes as the log would have it.
      const message = scrubSecrets(shown.message);
      return message === shown.message ? shown : { ...shown, message };
    },
    introspection: options.introspection,
    // Without introspection, "Did you mean …" suggestions would leak the schema piece by piece.
    hideSchemaDetailsFromClientErrors: !options.introspection,
    // Bounds fragment-spread explosions before the other rules run (Apollo's default cap).
    maxRecursiveSelections: true,
    validationRules: [operationLimitsRule(options.limits)],
    // main.ts owns shutdown: Apollo's own handler would re-raise the signal mid-close.
    stopOnTerminationSignals: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      landingPage,
      entitiesGuardPlugin(options.limits.maxEntities),
      // One Cache-Control decision per operation instead of Apollo's hook on every field.
      ApolloServerPluginCacheControlDisabled(),
      cachePolicyPlugin(),
      errorLoggingPlugin,
      operationLifecyclePlugin(options.metrics),
    ],
  });
  await apollo.start();

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    const { ready, reason } = await options.readiness();
    return reply.code(ready ? 200 : 503).send(ready ? { status: 'ready' } : { status: 'not ready', reason });
  });
  // Its own encapsulated scope, so the router-secret hook guards /graphql and nothing else.
  await app.register(async (graphql) => {
    if (options.routerSecret !== undefined) graphql.addHook('onRequest', requireRouterSecret(options.routerSecret));
    await graphql.register(fastifyApollo(apollo), {
      context: async (request) => createContext(options.sources, request.id, request.log as unknown as Logger, request.headers.authorization),
    });
  });
  return app;
}
