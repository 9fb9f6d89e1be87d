/**
 * Several subgraph replicas on one store, assembled exactly as `npm start` does, in this
 * process: each has its own caches, single-flight and locks' owners, so what they share is
 * what separate processes share (the store, and the simulated WeChat). `adjust` changes
 * the parsed config the way no variable can (the refresh lock's life), for tests that
 * shorten timings rather than wait.
 */
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import type { WechatSimulator } from '../../src/simulator/index.js';
import { type TemporaryAuthorizersFile, simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ENTITIES_QUERY, type GraphQLResponse, merchantRepresentations, postGraphQL } from './graphql-http.js';
import { type CapturedLogger, captureLogs } from './log-capture.js';
import { TEST_COMPONENT } from './merchants.js';

export interface Replicas {
  readonly replicas: RunningSubgraph[];
  readonly logs: CapturedLogger[];
  readonly config: Config;
  /** One operation for the merchants, sent to replica `index % count`. */
  query(index: number, ...merchantIds: string[]): Promise<GraphQLResponse<any>>;
  stop(): Promise<void>;
}

export interface ReplicasOptions {
  readonly simulator: WechatSimulator;
  readonly entries: readonly AuthorizersFileEntry[];
  readonly env: Record<string, string>;
  readonly count?: number;
  readonly adjust?: (config: Config) => Config;
}

export async function startReplicas(options: ReplicasOptions): Promise<Replicas> {
  const authorizersFile: TemporaryAuthorizersFile = await writeTemporaryAuthorizersFile(options.entries);
  const loaded = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    CLOUDENV_CACHE_TTL_MS: '0', // these tests count token calls, not cache hits
    CLOUDENV_STALE_IF_ERROR_MS: '0', // and read each failure's own code, never a last good answer in its place
    ...simulatedWechatEnv(options.simulator.url, authorizersFile.path, TEST_COMPONENT),
    ...options.env,
  });
  const config = options.adjust ? options.adjust(loaded) : loaded;
  const logs = Array.from({ length: options.count ?? 2 }, () => captureLogs('info'));
  const replicas = await Promise.all(logs.map((log) => startSubgraph(config, log.logger)));
  return {
    replicas,
    logs,
    config,
    query: (index, ...merchantIds) => postGraphQL(replicas[index % replicas.length]!.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) }),
    async stop() {
      await Promise.all(replicas.map((replica) => replica.close()));
      await authorizersFile.remove();
    },
  };
}

/** `config` with the refresh lock's timings changed (no variable sets them). */
export function withLock(config: Config, lock: Partial<Config['tokens']['lock']>): Config {
  return { ...config, tokens: { ...config.tokens, lock: { ...config.tokens.lock, ...lock } } };
}

/** `config` with the recovery timings changed (no variable sets them). */
export function withRecovery(config: Config, recovery: Partial<Config['tokens']['recovery']>): Config {
  return { ...config, tokens: { ...config.tokens, recovery: { ...config.tokens.recovery, ...recovery } } };
}
