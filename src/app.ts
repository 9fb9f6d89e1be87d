/**
 * Assembles a running subgraph from a Config and its checked start plan (start-up.ts): in
 * demo mode the embedded WeChat simulator with its demo merchants and platform
 * credentials; then the store (memory or Redis), the registry seeded from
 * AUTHORIZERS_FILE, the token layer and what keeps its records whole, the WeChat client,
 * the schema, the background checks of the shared dependencies, the HTTP server and, with
 * EVENTS_PORT, the event receiver's own listener. Tests start it exactly as `npm start` does.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { CallerVerifier } from './auth/caller-verifier.js';
import { openAccessWarning } from './auth/open-access-warning.js';
import { AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { type SeedReport, logSeedReport, seedRegistry } from './authorizers/seed-registry.js';
import type { Config } from './config/index.js';
import { MemoryAnswers } from './loaders/memory-answers.js';
import { keptLifeMs } from './loaders/answer-windows.js';
import { SharedEnvInfo } from './loaders/shared-env-info.js';
import { StoredAnswers } from './loaders/stored-answers.js';
import { Metrics } from './observability/metrics.js';
import { registerSecretValues } from './observability/scrub-secrets.js';
import { buildCloudEnvironmentsSchema, schemaOptionsOf } from './schema/build-schema.js';
import { codeOfFailure } from './schema/cloud-environment-error.js';
import { exampleRepresentations } from './server/landing-example.js';
import { createServer } from './server/server.js';
import { createEventsListener } from './server/events-listener.js';
import { closeGracefully } from './server/http-listener.js';
import { type ReplicaPhase, dependencyChecksOf } from './server/readiness.js';
import { DependencyChecks } from './observability/dependency-checks.js';
import { type DemoSimulator, type StartPlan, planStart, secretValuesOf } from './start-up.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { openStore } from './store/open-store.js';
import { StoreKeys } from './store/store-keys.js';
import { StoreMarker } from './store/store-marker.js';
import { connectPlatformTokens } from './tokens/connect-platform-tokens.js';
import { ownTokens } from './tokens/own-tokens.js';
import type { PlatformTokens } from './tokens/platform-tokens.js';
import { StoreRecovery } from './tokens/store-recovery.js';
import { TokenRecords } from './tokens/token-records.js';
import { ComponentApi } from './wechat/component-api.js';
import { ComponentEventHandler } from './events/component-event-handler.js';
import { COMPONENT_EVENTS_PATH, componentEventsRoute } from './events/component-events-route.js';
import { MessageCrypto } from './events/message-crypto.js';
import { SharedHolds } from './wechat/shared-holds.js';
import { WechatClient } from './wechat/wechat-client.js';

export interface RunningSubgraph {
  /** e.g. http://127.0.0.1:4001/graphql */
  readonly url: string;
  /** Where WeChat's pushes are received, e.g. http://127.0.0.1:4002/wechat/component/events: on EVENTS_PORT when set, else beside GraphQL; undefined while the receiver is off. */
  readonly eventsUrl: string | undefined;
  /** The embedded simulator's base URL in demo mode. */
  readonly simulatorUrl: string | undefined;
  close(): Promise<void>;
}

/** `plan` defaults to checking `config` now (tests and tools); `npm start` checks first, then passes it. */
export async function startSubgraph(config: Config, logger: Logger, plan?: StartPlan): Promise<RunningSubgraph> {
  const resolved = plan ?? (await planStart(config));
  registerSecretValues(secretValuesOf(config, resolved));
  const { entries, authorizersFile, component, verifyTicket, componentEvents, simulator: demo } = resolved;
  const openAccess = openAccessWarning(config);
  if (openAccess) logger.warn(openAccess);
  let { baseUrl } = config.wechat;
  let simulator: DemoSimulator | undefined;
  if (demo) {
    simulator = await demo.start();
    baseUrl = simulator.baseUrl;
    logger.info({ simulatorUrl: baseUrl, authorizersFile }, 'demo mode: WECHAT_API_BASE_URL is unset, so WeChat is the embedded simulator');
  }
  if (baseUrl === undefined) throw new Error('unreachable: config guarantees a WeChat URL outside demo mode');

  let store: KeyValueStore;
  try {
    store = await openStore(config.store, logger);
  } catch (error) {
    await simulator?.stop();
    throw error;
  }
  const keys = new StoreKeys(config.store.prefix);
  const marker = new StoreMarker(store, keys.storeMarker);
  const registry = new AuthorizerRegistry(store, keys, { checkRevocations: componentEvents !== undefined, storeIntact: () => marker.intact() });
  const records = new TokenRecords({ store, keys, refreshAtFraction: config.tokens.refreshAtFraction });
  // The file seeds, the store decides: what an operator changed through the CLI stays changed.
  const seed = async (): Promise<SeedReport> => {
    const report = await seedRegistry(entries, registry, records);
    logSeedReport(report, logger, authorizersFile);
    return report;
  };
  let seeded: SeedReport;
  let platformTokens: PlatformTokens | undefined;
  try {
    seeded = await seed();
    await marker.ensure();
    if (config.tokens.platform) platformTokens = await connectPlatformTokens(config.tokens.platform, { timeoutMs: config.wechat.timeoutMs, logger });
  } catch (error) {
    await store.close();
    await simulator?.stop();
    throw error;
  }
  logger.info(
    { authorizersFile, merchants: seeded.merchants, applied: seeded.applied, store: config.store.redis ? config.store.redis.kind : 'memory', wechat: baseUrl },
    'authorizers loaded',
  );
  if (config.merchantAuthorizerField) {
    logger.info(
      { merchantAuthorizerField: config.merchantAuthorizerField },
      `the gateway sends each merchant's authorizer (Merchant.${config.merchantAuthorizerField}, @requires): the registry's merchants are not read`,
    );
  }

  const metrics = new Metrics({ processMetrics: true });
  const sharedHolds = config.store.redis ? new SharedHolds(store, keys.heldBack, config.wechat.authorizerBackoffMaxMs) : undefined;
  const wechat = new WechatClient({ ...config.wechat, baseUrl, logger, metrics, ...(sharedHolds ? { sharedHolds } : {}) });
  const componentApi = component ? new ComponentApi(wechat, component) : undefined;
  const own = platformTokens
    ? undefined
    : ownTokens({
        records,
        timings: config.tokens,
        componentApi,
        fallbackTicket: verifyTicket,
        fixedTokens: seeded.fixedTokens,
        receiving: componentEvents !== undefined,
        mappedAuthorizers: () => registry.mappedAuthorizers(),
        storeIntact: () => marker.intact(),
        logger,
        metrics,
      });
  const storeRecovery = new StoreRecovery({
    marker,
    reseed: async () => void (await seed()),
    onLost: [() => own?.storeLost()],
    checkEveryMs: config.tokens.recovery.checkEveryMs,
    logger,
    metrics,
  });
  const tokens = platformTokens ?? own!.tokens;
  const windows = { ttlMs: config.cacheTtlMs, staleWhileRevalidateMs: config.answerCache.staleWhileRevalidateMs, staleIfErrorMs: config.answerCache.staleIfErrorMs };
  const envInfo = new SharedEnvInfo({
    ...windows,
    memory: new MemoryAnswers({ maxAuthorizers: config.answerCache.maxAuthorizers, maxBytes: config.answerCache.maxBytes, lifeMs: keptLifeMs(windows) }),
    stored: config.store.redis ? new StoredAnswers(store, keys, keptLifeMs(windows)) : undefined,
    codeOf: codeOfFailure,
    logger,
    metrics,
  });
  const callerVerifier = config.authorization.subgraph ? new CallerVerifier({ ...config.authorization.subgraph, scope: config.authorization.scope }) : undefined;
  const ticket = component && own ? { fallbackTicket: verifyTicket } : undefined;
  const checks = new DependencyChecks(dependencyChecksOf({ store, records, platformTokens, callerVerifier, ticket }), { intervalMs: config.dependencyCheckIntervalMs, metrics, logger });
  let phase: ReplicaPhase = 'starting';
  const server = await createServer({
    schema: buildCloudEnvironmentsSchema(schemaOptionsOf(config)),
    sources: { registry, tokens, wechat, envInfo, metrics, logger, requestDeadlineMs: config.limits.requestDeadlineMs, cacheTtlMs: config.cacheTtlMs, callerVerifier },
    logger,
    metrics,
    nodeEnv: config.nodeEnv,
    exampleRepresentations: exampleRepresentations(entries.slice(0, 8), config.merchantAuthorizerField),
    limits: config.limits,
    routerSecret: config.routerSecret,
    introspection: config.introspection,
    readiness: () => ({ status: phase, degraded: checks.degraded }),
  });
  let receiver: FastifyPluginAsync | undefined;
  if (componentEvents && component && own) {
    const handler = new ComponentEventHandler({ store, keys, registry, tokens: own.received, answers: envInfo });
    const crypto = new MessageCrypto(componentEvents.messageToken, componentEvents.encodingAesKey);
    receiver = componentEventsRoute({ crypto, componentAppId: component.appId, handler });
  }
  // With EVENTS_PORT the receiver is served there alone, and the GraphQL port has no event route.
  const eventsListener = receiver && config.events ? await createEventsListener(logger, receiver) : undefined;
  if (receiver && !eventsListener) await server.register(receiver);
  /**
   * Graceful: readiness flips to 503, both listeners stop accepting, requests in flight
   * finish (at most SHUTDOWN_TIMEOUT_MS, then their connections are cut), then the WeChat
   * pool, the store and the simulator close.
   */
  const close = async () => {
    phase = 'draining';
    checks.stop();
    storeRecovery.close();
    own?.close();
    await Promise.all([server, eventsListener].map((listener) => listener && closeGracefully(listener, config.shutdownTimeoutMs, logger)));
    await wechat.close();
    await store.close();
    await platformTokens?.close();
    await simulator?.stop();
  };
  let url: string;
  let eventsUrl: string | undefined;
  try {
    const address = await server.listen({ port: config.port, host: config.host });
    const eventsAddress = eventsListener ? await eventsListener.listen({ port: config.events!.port, host: config.events!.host }) : receiver && address;
    url = `${address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')}/graphql`;
    eventsUrl = eventsAddress && `${eventsAddress.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]')}${COMPONENT_EVENTS_PATH}`;
    if (simulator && componentEvents && eventsUrl) {
      simulator.registerEventUrl({ url: eventsUrl, ...componentEvents });
      logger.info({ eventsUrl }, 'demo mode: the simulator knows the event receiver as the event URL; the subgraph asks it for the ticket as it asks WeChat (api_start_push_ticket)');
    }
    storeRecovery.start();
    // Every listener is up: a ticket asked for can arrive. The demo waits for its first one, so its first query is served.
    const keeping = own?.start();
    if (simulator) await keeping;
    else keeping?.catch((error: Error) => logger.error({ err: error }, 'the ticket keeper failed its first look'));
    // Ready once the first round of checks has said what is degraded (each check bounded by DEPENDENCY_CHECK_INTERVAL_MS).
    await checks.start();
  } catch (error) {
    // A port already taken, say: nothing started is left running.
    await close();
    throw error;
  }
  phase = 'ready';
  return { url, eventsUrl, simulatorUrl: simulator ? baseUrl : undefined, close };
}
