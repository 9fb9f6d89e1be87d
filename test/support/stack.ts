/**
 * Starts the real pieces on loopback ports for a test: the WeChat simulator, the
 * subgraph exactly as `npm start` assembles it, and on request the merchants stand-in
 * and an @apollo/gateway composing both.
 */
import { ApolloGateway } from '@apollo/gateway';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { type RunningSubgraph, startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startMerchantsSubgraph } from '../../tools/merchants-subgraph.js';
import { simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { composeSupergraph } from '../../tools/supergraph.js';
import { DEMO_AUTHORIZERS_FILE, type WechatSimulatorOptions, WechatSimulator, demoSimulatorOptions } from '../../src/simulator/index.js';
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import { type CapturedLogger, captureLogs } from './log-capture.js';
import { registerSecrets } from './suite-capture.js';

export interface SubgraphStack {
  readonly simulator: WechatSimulator;
  readonly subgraph: RunningSubgraph;
  readonly logs: CapturedLogger;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The simulated WeChat (authorizers, component, token lifetime); the demo world by default. */
  readonly simulator?: WechatSimulatorOptions;
  /** AUTHORIZERS_FILE entries; the demo file by default. */
  readonly merchants?: AuthorizersFileEntry[];
  /** Extra environment variables for the subgraph's config. */
  readonly env?: Record<string, string>;
}

export async function startSubgraphStack(options: StackOptions = {}): Promise<SubgraphStack> {
  const simulatorOptions = options.simulator ?? demoSimulatorOptions();
  const simulator = new WechatSimulator(simulatorOptions);
  const simulatorUrl = await simulator.start();
  const { component } = simulatorOptions;
  const authorizersFile = options.merchants ? await writeTemporaryAuthorizersFile(options.merchants) : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    ...simulatedWechatEnv(simulatorUrl, authorizersFile?.path ?? DEMO_AUTHORIZERS_FILE, component),
    // Tests count calls on the wire and read each failure's own error: no answer is reused,
    // not even as the last good one; the cache and stale-answer tests turn them on themselves.
    CLOUDENV_CACHE_TTL_MS: '0',
    CLOUDENV_STALE_IF_ERROR_MS: '0',
    ...options.env,
  });
  registerSecrets(
    component?.appSecret,
    ...(simulatorOptions.authorizers ?? []).flatMap((authorizer) => [authorizer.accessToken, authorizer.refreshToken]),
    ...(options.merchants ?? []).flatMap((entry) => [entry.authorizerAccessToken, entry.authorizerRefreshToken]),
  );
  const logs = captureLogs();
  const subgraph = await startSubgraph(config, logs.logger).catch(async (error: unknown) => {
    // A start-up refused (the test's point, sometimes) leaves nothing running.
    await simulator.stop();
    await authorizersFile?.remove();
    throw error;
  });
  return {
    simulator,
    subgraph,
    logs,
    async stop() {
      await subgraph.close();
      await simulator.stop();
      await authorizersFile?.remove();
      registerSecrets(...simulator.calls.map((call) => call.accessToken));
    },
  };
}

/**
 * A subgraph stack for every test of the calling file or describe block: started in
 * beforeAll, stopped in afterAll, its simulator's call record cleared before each test.
 */
export function useSubgraphStack(options: StackOptions = {}): SubgraphStack {
  let started: SubgraphStack | undefined;
  const current = () => {
    if (!started) throw new Error('the subgraph stack starts in beforeAll; use it inside a test or hook');
    return started;
  };
  beforeAll(async () => {
    started = await startSubgraphStack(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  beforeEach(() => {
    current().simulator.resetCalls();
  });
  return {
    get simulator() {
      return current().simulator;
    },
    get subgraph() {
      return current().subgraph;
    },
    get logs() {
      return current().logs;
    },
    stop: () => current().stop(),
  };
}

export interface GatewayStack extends SubgraphStack {
  readonly gatewayUrl: string;
}

/** The subgraph stack plus the merchants stand-in behind a real @apollo/gateway. */
export async function startGatewayStack(options: StackOptions = {}): Promise<GatewayStack> {
  const stack = await startSubgraphStack(options);
  const merchants = await startMerchantsSubgraph();
  const { supergraphSdl } = composeSupergraph({ cloudEnvironments: stack.subgraph.url, merchants: merchants.url });
  const gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    ...stack,
    gatewayUrl,
    async stop() {
      await gateway.stop();
      await merchants.stop();
      await stack.stop();
    },
  };
}
