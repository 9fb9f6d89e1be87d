/**
 * Assembles a running subgraph from a Config: in demo mode the embedded WeChat simulator
 * with its demo merchants and platform credentials; then the store (memory or Redis),
 * the registry filled from AUTHORIZERS_FILE, the token layer, the WeChat client, the
 * schema and the HTTP server. Tests start it exactly as `npm start` does.
 */
import type { Logger } from 'pino';
import { CallerVerifier } from './auth/caller-verifier.js';
import { openAccessWarning } from './auth/open-access-warning.js';
import { AuthorizerRegistry } from './authorizers/authorizer-registry.js';
import { readAuthorizersFile } from './authorizers/authorizers-file.js';
import { type ImportedAuthorizers, importAuthorizersFile } from './authorizers/import-authorizers-file.js';
import type { Config } from './config.js';
import { MemoryEnvInfoCache, SharedEnvInfo, StoreEnvInfoCache } from './loaders/shared-env-info.js';
import { Metrics } from './observability/metrics.js';
import { buildCloudEnvironmentsSchema, schemaOptionsOf } from './schema/build-schema.js';
import { createServer } from './server/server.js';
import { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, WechatSimulator, demoSimulatorOptions } from './simulator/index.js';
import type { KeyValueStore } from './store/key-value-store.js';
import { MemoryStore } from './store/memory-store.js';
import { RedisStore } from './store/redis-store.js';
import { StoreKeys } from './store/store-keys.js';
import { AuthorizerTokens } from './tokens/authorizer-tokens.js';
import { SharedTokenCache } from './tokens/shared-token-cache.js';
import { ComponentApi } from './wechat/component-api.js';
import { WechatClient } from './wechat/wechat-client.js';

export interface RunningSubgraph {
  /** e.g. http://127.0.0.1:4001/graphql */
  readonly url: string;
  /** The embedded simulator's base URL in demo mode. */
  readonly simulatorUrl: string | undefined;
  close(): Promise<void>;
}

export async function startSubgraph(config: Config, logger: Logger): Promise<RunningSubgraph> {
  const openAccess = openAccessWarning(config);
  if (openAccess) logger.warn(openAccess);
  let simulator: WechatSimulator | undefined;
  let { baseUrl } = config.wechat;
  let { authorizersFile, component, verifyTicket } = config;
  if (config.demo) {
    simulator = new WechatSimulator(demoSimulatorOptions());
    baseUrl = await simulator.start();
    authorizersFile ??= DEMO_AUTHORIZERS_FILE;
    component ??= DEMO_COMPONENT;
    verifyTicket ??= DEMO_COMPONENT.verifyTicket;
    logger.info({ simulatorUrl: baseUrl, authorizersFile }, 'demo mode: WECHAT_API_BASE_URL is unset, so WeChat is the embedded simulator');
  }
  if (baseUrl === undefined) throw new Error('unreachable: config guarantees a WeChat URL outside demo mode');

  const entries = authorizersFile === undefined ? [] : await readAuthorizersFile(authorizersFile);
  const store: KeyValueStore = config.store.redisUrl ? await RedisStore.connect({ url: config.store.redisUrl, logger }) : new MemoryStore();
  const keys = new StoreKeys(config.store.prefix);
  const registry = new AuthorizerRegistry(store, keys);
  let imported: ImportedAuthorizers;
  try {
    imported = await importAuthorizersFile(entries, registry);
    if (imported.needsComponent && !component) {
      throw new Error(
        `AUTHORIZERS_FILE ${authorizersFile}: entries with authorizerRefreshToken need WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET to mint access tokens`,
      );
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  logger.info(
    { authorizersFile, merchants: imported.merchants, store: config.store.redisUrl ? 'redis' : 'memory', wechat: baseUrl },
    'authorizers loaded',
  );

  const metrics = new Metrics({ processMetrics: true });
  const wechat = new WechatClient({ ...config.wechat, baseUrl, logger, metrics });
  const tokens = new AuthorizerTokens({
    store,
    keys,
    cache: new SharedTokenCache({ store, keys, logger, metrics }),
    componentApi: component ? new ComponentApi(wechat, component) : undefined,
    fixedTokens: imported.fixedTokens,
    verifyTicket,
  });
  const envInfoCache = config.store.redisUrl ? new StoreEnvInfoCache(store, keys.envInfo) : new MemoryEnvInfoCache();
  const envInfo = new SharedEnvInfo(envInfoCache, config.cacheTtlMs, logger, metrics);
  const callerVerifier = config.authorization.subgraph ? new CallerVerifier({ ...config.authorization.subgraph, scope: config.authorization.scope }) : undefined;
  let draining = false;
  const server = await createServer({
    schema: buildCloudEnvironmentsSchema(schemaOptionsOf(config)),
    sources: { registry, tokens, wechat, envInfo, batching: config.batching, metrics, logger, requestDeadlineMs: config.limits.requestDeadlineMs, cacheTtlMs: config.cacheTtlMs, callerVerifier },
    logger,
    metrics,
    nodeEnv: config.nodeEnv,
    exampleMerchantIds: entries.slice(0, 8).map((entry) => entry.merchantId),
    limits: config.limits,
    routerSecret: config.routerSecret,
    introspection: config.introspection,
    readiness: async () => {
      if (draining) return { ready: false, reason: 'shutting down' };
      return store.ping().then(
        () => ({ ready: true }),
        (error: Error) => ({ ready: false, reason: error.message }),
      );
    },
  });
  const address = await server.listen({ port: config.port, host: config.host });
  const url = `${address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')}/graphql`;

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
      await simulator?.stop();
    },
  };
}
