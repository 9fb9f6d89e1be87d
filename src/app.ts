/**
 * Assembles a running subgraph from a Config and its checked start plan (start-up.ts): in
 * demo mode the embedded WeChat simulator with its demo merchants and platform
 * credentials; then the store (memory or Redis), the registry seeded from
 * AUTHORIZERS_FILE, the token layer and what keeps its records whole, the WeChat client,
 * the schema and the HTTP server.
 * Tests start it exactly as `npm start` does.
 */
import type { Logger } from 'pino';
import { CallerVerifier } from './auth/caller-verifier.js';
import { openAccessWarning } from './auth/open-access-warning.js';
import { AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { type SeedReport, logSeedReport, seedRegistry } from './authorizers/seed-registry.js';
import type { Config } from './config/index.js';
import { MemoryEnvInfoCache, SharedEnvInfo, StoreEnvInfoCache } from './loaders/shared-env-info.js';
import { Metrics } from './observability/metrics.js';
import { buildCloudEnvironmentsSchema, schemaOptionsOf } from './schema/build-schema.js';
import { type ServerOptions, createServer } from './server/server.js';
import { type DemoSimulator, type StartPlan, planStart } from './start-up.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { MemoryStore } from './store/memory-store.js';
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
import { ticketReadiness } from './events/ticket-readiness.js';
import { SharedHolds } from './wechat/shared-holds.js';
import { WechatClient } from './wechat/wechat-client.js';

/** What the readiness check answers (GET /readyz). */
type Readiness = Awaited<ReturnType<ServerOptions['readiness']>>;

export interface RunningSubgraph {
  /** e.g. http://127.0.0.1:4001/graphql */
  readonly url: string;
  /** The embedded simulator's base URL in demo mode. */
  readonly simulatorUrl: string | undefined;
  close(): Promise<void>;
}

/** `plan` defaults to checking `config` now (tests and tools); `npm start` checks first, then passes it. */
export async function startSubgraph(config: Config, logger: Logger, plan?: StartPlan): Promise<RunningSubgraph> {
  const { entries, authorizersFile, component, verifyTicket, componentEvents, simulator: demo } = plan ?? (await planStart(config));
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
    // The Redis client is loaded only when there is a Redis to talk to.
    store = config.store.redisUrl ? await (await import('./store/redis-store.js')).RedisStore.connect({ url: config.store.redisUrl, logger }) : new MemoryStore();
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
    { authorizersFile, merchants: seeded.merchants, applied: seeded.applied, store: config.store.redisUrl ? 'redis' : 'memory', wechat: baseUrl },
    'authorizers loaded',
  );

  const metrics = new Metrics({ processMetrics: true });
  const sharedHolds = config.store.redisUrl ? new SharedHolds(store, keys.heldBack, config.wechat.authorizerBackoffMaxMs) : undefined;
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
  const envInfoCache = config.store.redisUrl ? new StoreEnvInfoCache(store, keys.envInfo) : new MemoryEnvInfoCache();
  const envInfo = new SharedEnvInfo(envInfoCache, config.cacheTtlMs, logger, metrics);
  const callerVerifier = config.authorization.subgraph ? new CallerVerifier({ ...config.authorization.subgraph, scope: config.authorization.scope }) : undefined;
  let draining = false;
  const server = await createServer({
    schema: buildCloudEnvironmentsSchema(schemaOptionsOf(config)),
    sources: { registry, tokens, wechat, envInfo, metrics, logger, requestDeadlineMs: config.limits.requestDeadlineMs, cacheTtlMs: config.cacheTtlMs, callerVerifier },
    logger,
    metrics,
    nodeEnv: config.nodeEnv,
    exampleMerchantIds: entries.slice(0, 8).map((entry) => entry.merchantId),
    limits: config.limits,
    routerSecret: config.routerSecret,
    introspection: config.introspection,
    readiness: async () => {
      if (draining) return { ready: false, reason: 'shutting down' };
      return store.ping().then<Readiness, Readiness>(
        () => {
          if (platformTokens) {
            return platformTokens.check().then(
              () => ({ ready: true }),
              (error: Error) => ({ ready: false, reason: `TOKEN_SOURCE=platform: ${error.message}` }),
            );
          }
          return component ? ticketReadiness(records, verifyTicket) : { ready: true };
        },
        (error: Error) => ({ ready: false, reason: error.message }),
      );
    },
  });
  if (componentEvents && component && own) {
    const handler = new ComponentEventHandler({ store, keys, registry, tokens: own.received });
    const crypto = new MessageCrypto(componentEvents.messageToken, componentEvents.encodingAesKey);
    await server.register(componentEventsRoute({ crypto, componentAppId: component.appId, handler }));
  }
  const address = await server.listen({ port: config.port, host: config.host });
  const url = `${address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')}/graphql`;
  if (simulator && componentEvents) {
    const pushUrl = `${address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]')}${COMPONENT_EVENTS_PATH}`;
    simulator.registerEventUrl({ url: pushUrl, ...componentEvents });
    logger.info({}, 'demo mode: the simulator knows /wechat/component/events as the event URL; the subgraph asks it for the ticket as it asks WeChat (api_start_push_ticket)');
  }
  storeRecovery.start();
  // The receiver listens now: a ticket asked for can arrive. The demo waits for its first one, so its first query is served.
  const keeping = own?.start();
  if (simulator) await keeping;
  else keeping?.catch((error: Error) => logger.error({ err: error.message }, 'the ticket keeper failed its first look'));

  return {
    url,
    simulatorUrl: simulator ? baseUrl : undefined,
    /**
     * Graceful: readiness flips to 503, the listener stops accepting, in-flight operations
     * finish (at most SHUTDOWN_TIMEOUT_MS, then their connections are cut), then the
     * WeChat pool, the store and the simulator close.
     */
    async close() {
      draining = true;
      storeRecovery.close();
      own?.close();
      const closed = server.close();
      // Keep-alive connections go idle as their last operation answers; close each as it does.
      const reaper = setInterval(() => server.server.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        logger.warn({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'in-flight operations did not finish in time; closing their connections');
        server.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      await closed;
      clearInterval(reaper);
      clearTimeout(timer);
      await wechat.close();
      await store.close();
      await platformTokens?.close();
      await simulator?.stop();
    },
  };
}
