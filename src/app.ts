/**
 * Assembles a running subgraph from a Config and its checked start plan (start-up.ts): in
 * demo mode the embedded WeChat simulator with its demo merchants and platform
 * credentials; then the store (memory or Redis), the registry filled from
 * AUTHORIZERS_FILE, the token layer, the WeChat client, the schema and the HTTP server.
 * Tests start it exactly as `npm start` does.
 */
import type { Logger } from 'pino';
import { CallerVerifier } from './auth/caller-verifier.js';
import { openAccessWarning } from './auth/open-access-warning.js';
import { AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { type ImportedAuthorizers, importAuthorizersFile } from './authorizers/import-authorizers-file.js';
import type { Config, DurabilityCheck, RedisTopology } from './config/index.js';
import { MemoryEnvInfoCache, SharedEnvInfo, StoreEnvInfoCache } from './loaders/shared-env-info.js';
import { Metrics } from './observability/metrics.js';
import { buildCloudEnvironmentsSchema, schemaOptionsOf } from './schema/build-schema.js';
import { type ServerOptions, createServer } from './server/server.js';
import { type DemoSimulator, type StartPlan, planStart } from './start-up.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { MemoryStore } from './store/memory-store.js';
import { StoreKeys } from './store/store-keys.js';
import { AuthorizerTokens } from './tokens/authorizer-tokens.js';
import { connectPlatformTokens } from './tokens/connect-platform-tokens.js';
import type { PlatformTokens } from './tokens/platform-tokens.js';
import { SharedTokenCache } from './tokens/shared-token-cache.js';
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

/**
 * The Redis store, its settings checked (REDIS_DURABILITY_CHECK) before anything is written to
 * it. The Redis client is loaded only when there is a Redis to talk to.
 */
async function connectRedisStore(topology: RedisTopology, durabilityCheck: DurabilityCheck, logger: Logger): Promise<KeyValueStore> {
  const [{ RedisStore }, { checkDurability }] = await Promise.all([import('./store/redis-store.js'), import('./store/durability-check.js')]);
  const store = await RedisStore.connect({ topology, logger });
  try {
    await checkDurability({ mode: durabilityCheck, masters: store.masters(), where: store.where, logger });
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
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
    store = config.store.redis ? await connectRedisStore(config.store.redis, config.store.durabilityCheck, logger) : new MemoryStore();
  } catch (error) {
    await simulator?.stop();
    throw error;
  }
  const keys = new StoreKeys(config.store.prefix);
  const registry = new AuthorizerRegistry(store, keys, { checkRevocations: componentEvents !== undefined });
  let imported: ImportedAuthorizers;
  let platformTokens: PlatformTokens | undefined;
  try {
    imported = await importAuthorizersFile(entries, registry);
    if (config.tokens.platform) platformTokens = await connectPlatformTokens(config.tokens.platform, { timeoutMs: config.wechat.timeoutMs, logger });
  } catch (error) {
    await store.close();
    await simulator?.stop();
    throw error;
  }
  logger.info(
    { authorizersFile, merchants: imported.merchants, store: config.store.redis ? config.store.redis.kind : 'memory', wechat: baseUrl },
    'authorizers loaded',
  );

  const metrics = new Metrics({ processMetrics: true });
  const sharedHolds = config.store.redis ? new SharedHolds(store, keys.heldBack, config.wechat.authorizerBackoffMaxMs) : undefined;
  const wechat = new WechatClient({ ...config.wechat, baseUrl, logger, metrics, ...(sharedHolds ? { sharedHolds } : {}) });
  const componentApi = component ? new ComponentApi(wechat, component) : undefined;
  const ownTokens = platformTokens
    ? undefined
    : new AuthorizerTokens({
        store,
        keys,
        cache: new SharedTokenCache({ store, keys, logger, metrics, timings: config.tokens }),
        componentApi,
        fixedTokens: imported.fixedTokens,
        verifyTicket,
      });
  const tokens = platformTokens ?? ownTokens!;
  const envInfoCache = config.store.redis ? new StoreEnvInfoCache(store, keys.envInfo) : new MemoryEnvInfoCache();
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
          return component ? ticketReadiness(store, keys, verifyTicket) : { ready: true };
        },
        (error: Error) => ({ ready: false, reason: error.message }),
      );
    },
  });
  if (componentEvents && component && componentApi && ownTokens) {
    const handler = new ComponentEventHandler({
      store,
      keys,
      registry,
      componentApi,
      withComponentToken: (call) => ownTokens.withComponentToken(call),
      refreshAtFraction: config.tokens.refreshAtFraction,
    });
    const crypto = new MessageCrypto(componentEvents.messageToken, componentEvents.encodingAesKey);
    await server.register(componentEventsRoute({ crypto, componentAppId: component.appId, handler }));
  }
  const address = await server.listen({ port: config.port, host: config.host });
  const url = `${address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')}/graphql`;
  if (simulator && componentEvents) {
    const pushUrl = `${address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]')}${COMPONENT_EVENTS_PATH}`;
    const pushed = await simulator.startTicketPushes({ url: pushUrl, ...componentEvents });
    logger.info({ status: pushed.status }, 'demo mode: the simulator pushed its component_verify_ticket to /wechat/component/events');
  }

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
