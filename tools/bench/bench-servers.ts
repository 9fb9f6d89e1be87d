/**
 * The servers a benchmark compares, each started in its own process against the same
 * simulator and AUTHORIZERS_FILE, with the same upstream connection budget:
 *
 * - `subgraph`: this subgraph as it ships (batching, single-flight, result cache);
 * - `subgraph-no-swr`: the same with CLOUDENV_STALE_WHILE_REVALIDATE_MS=0, the cache as it
 *   was before answers past their TTL were served at once while refreshed: what that bought;
 * - `subgraph-nocache`: the same with CLOUDENV_CACHE_TTL_MS=0 (batching and single-flight
 *   stay), so every operation reaches WeChat like the floor's do: the fair comparison
 *   for what type-graphql and our layers cost;
 * - `unbatched`, baseline (a): the hand-written floor below without its DataLoader, one
 *   WeChat call per field (the product itself has no switch that turns batching off);
 * - `floor`, baseline (b): the hand-written SDL-first subgraph (baseline-subgraph.ts), on
 *   Apollo Server's defaults, as the requirement describes it;
 * - `floor-lean`, baseline (b′): the same without Apollo Server's cache-control plugin, which
 *   this subgraph replaces with one decision per operation. Shown beside (b) so the table
 *   tells what our layers cost over the framework with that plugin out of both.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerProcess } from './server-process.js';

export type ServerKey = 'subgraph' | 'subgraph-no-swr' | 'subgraph-nocache' | 'unbatched' | 'floor' | 'floor-lean';
export const SERVER_KEYS: readonly ServerKey[] = ['subgraph', 'subgraph-no-swr', 'subgraph-nocache', 'unbatched', 'floor', 'floor-lean'];

export const SERVER_LABELS: Readonly<Record<ServerKey, string>> = {
  subgraph: 'this subgraph',
  'subgraph-no-swr': 'this subgraph, no stale-while-revalidate',
  'subgraph-nocache': 'this subgraph, cache off',
  unbatched: '(a) no batching',
  floor: '(b) framework floor',
  'floor-lean': '(b′) floor, no cache-control plugin',
};

export interface ServerSetting {
  readonly simulatorUrl: string;
  readonly authorizersFile: string;
  readonly cacheTtlMs: number;
  /** Sockets (and, for the subgraph, concurrent calls) to WeChat. */
  readonly upstreamConnections: number;
  /** `dist`: node dist/main.js (built by npm run bench); `source`: node --import tsx src/main.ts. Either with telemetry preloaded, as npm start does. */
  readonly subgraphEntry: 'dist' | 'source';
  /** Where node --cpu-prof writes a profile per server; unset: no profiling. */
  readonly cpuProfileDir: string | undefined;
}

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function startServer(key: ServerKey, setting: ServerSetting): Promise<ServerProcess> {
  const profile = setting.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${setting.cpuProfileDir}`, `--cpu-prof-name=${key}.cpuprofile`];
  const shared = {
    NODE_ENV: 'production',
    // The bench measures a server on loopback, reached by nobody but the load generator.
    ALLOW_OPEN_ACCESS: 'true',
    LOG_LEVEL: 'warn',
    WECHAT_API_BASE_URL: setting.simulatorUrl,
    AUTHORIZERS_FILE: setting.authorizersFile,
    WECHAT_MAX_CONNECTIONS: String(setting.upstreamConnections),
  };
  if (key === 'floor' || key === 'floor-lean' || key === 'unbatched') {
    return ServerProcess.start({
      label: SERVER_LABELS[key],
      nodeArgs: [...profile, '--import', 'tsx', fileURLToPath(new URL('./baseline-main.ts', import.meta.url))],
      env: { ...shared, BASELINE_CACHE_CONTROL: key === 'floor-lean' ? 'off' : 'on', BASELINE_BATCHING: key === 'unbatched' ? 'off' : 'on' },
      cwd: REPOSITORY_ROOT,
    });
  }
  const entry = setting.subgraphEntry === 'dist' ? ['dist/main.js'] : ['src/main.ts'];
  // Preloaded as `npm start` does, when the build has it: idle unless OTEL_EXPORTER_OTLP_ENDPOINT is set, but loaded.
  const telemetry = setting.subgraphEntry === 'dist' ? 'dist/telemetry.js' : 'src/telemetry.ts';
  const preload = existsSync(join(REPOSITORY_ROOT, telemetry)) ? ['--import', `./${telemetry}`] : [];
  return ServerProcess.start({
    label: SERVER_LABELS[key],
    nodeArgs: [...profile, ...(setting.subgraphEntry === 'source' ? ['--import', 'tsx'] : []), ...preload, ...entry],
    env: {
      ...shared,
      // The guard's limits sized like the floor's pool, and a queue as deep as the floor's
      // (unbounded in undici), so bursts wait rather than fail.
      WECHAT_MAX_CONCURRENCY: String(setting.upstreamConnections),
      // The unbatched baseline makes many calls per authorizer at once: the bulkhead would measure itself, not batching.
      WECHAT_MAX_CONCURRENCY_PER_AUTHORIZER: String(setting.upstreamConnections),
      WECHAT_MAX_QUEUE: '100000',
      CLOUDENV_CACHE_TTL_MS: key === 'subgraph-nocache' ? '0' : String(setting.cacheTtlMs),
      ...(key === 'subgraph-no-swr' ? { CLOUDENV_STALE_WHILE_REVALIDATE_MS: '0' } : {}),
    },
    cwd: REPOSITORY_ROOT,
  });
}
