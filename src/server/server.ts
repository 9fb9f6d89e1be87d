/**
 * The HTTP face of the subgraph: fastify serving GraphQL at /graphql through Apollo
 * Server, /healthz (liveness), /readyz (readiness, with the degraded dependencies in its
 * body: readiness.ts) and /metrics for orchestrators. Each operation gets a fresh context,
 * so batching never crosses operations. The edge checks live one per module beside this
 * one: the router secret (router-secret.ts), refusals of malformed requests
 * (request-errors.ts), depth and field limits (operation-limits.ts) and the
 * representations check (entities-guard.ts).
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
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
import { createHttpListener } from './http-listener.js';
import { type MerchantRepresentation, exampleOperation } from './landing-example.js';
import { operationLifecyclePlugin } from './operation-lifecycle.js';
import { operationLimitsRule } from './operation-limits.js';
import type { ReadinessAnswer } from './readiness.js';
import { requestErrorHandler } from './request-errors.js';
import { requireRouterSecret } from './router-secret.js';

export interface ServerOptions {
  readonly schema: GraphQLSchema;
  readonly sources: ContextSources;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** The representations the Sandbox example query sends. */
  readonly exampleRepresentations: readonly MerchantRepresentation[];
  /** Whether this replica takes requests (started, not draining), and what it cannot use right now. */
  readonly readiness: () => ReadinessAnswer;
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
  const app = createHttpListener(options.logger, options.limits.maxBodyBytes, requestErrorHandler(options.limits.maxBodyBytes));

  const production = options.nodeEnv === 'production';
  // Sandbox is useless without introspection, and would show the schema to anyone.
  const landingPage = !options.introspection
    ? ApolloServerPluginLandingPageDisabled()
    : production
      ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, ...exampleOperation(options.exampleRepresentations) });

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
    const answer = options.readiness();
    return reply.code(answer.status === 'ready' ? 200 : 503).send(answer);
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
