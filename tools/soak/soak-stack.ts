/**
 * The real pieces a soak run drives, all in this process on loopback ports: the WeChat
 * simulator, the subgraph exactly as `npm start` assembles it (pointed at the simulator),
 * the merchants stand-in, and a real @apollo/gateway composing both.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Logger } from 'pino';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { startMerchantsSubgraph } from '../merchants-subgraph.js';
import { simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../simulated-wechat-env.js';
import { composeSupergraph } from '../supergraph.js';
import { SOAK_COMPONENT, type SoakWorld } from './soak-world.js';

/**
 * Deadline of one WeChat call. Short, so a hung call costs little; not shorter, because
 * every piece shares this event loop: at concurrency 32 a healthy answer can wait hundreds
 * of milliseconds behind gateway work, and a token call timed out that way is legitimately
 * retried, which would fail the single-flight check for the soak's own load, not WeChat's.
 */
export const SOAK_WECHAT_TIMEOUT_MS = 2_000;

export interface SoakStack {
  readonly simulator: WechatSimulator;
  readonly gatewayUrl: string;
  /** The subgraph itself (its /metrics beside /graphql). */
  readonly subgraphUrl: string;
  /** When the subgraph started: no answer it serves can have been read before. */
  readonly startedAt: number;
  stop(): Promise<void>;
}

export async function startSoakStack(world: SoakWorld, options: { cacheTtlMs: number; staleIfErrorMs: number | undefined; logger: Logger }): Promise<SoakStack> {
  const { logger } = options;
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const simulator = new WechatSimulator({ authorizers: world.simulatorAuthorizers, component: SOAK_COMPONENT });
    const simulatorUrl = await simulator.start();
    stops.push(() => simulator.stop());

    const authorizersFile = await writeTemporaryAuthorizersFile(world.authorizersFile);
    stops.push(() => authorizersFile.remove());

    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      ...simulatedWechatEnv(simulatorUrl, authorizersFile.path, SOAK_COMPONENT),
      WECHAT_TIMEOUT_MS: String(SOAK_WECHAT_TIMEOUT_MS),
      CLOUDENV_CACHE_TTL_MS: String(options.cacheTtlMs),
      // Unset: the shipped window.
      CLOUDENV_STALE_IF_ERROR_MS: options.staleIfErrorMs === undefined ? '' : String(options.staleIfErrorMs),
    });
    const startedAt = Date.now();
    const subgraph = await startSubgraph(config, logger);
    stops.push(() => subgraph.close());

    const merchants = await startMerchantsSubgraph({ merchants: world.merchantRecords });
    stops.push(() => merchants.stop());

    const { supergraphSdl } = composeSupergraph({ cloudEnvironments: subgraph.url, merchants: merchants.url });
    const gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, logger }), logger });
    const { url: gatewayUrl } = await startStandaloneServer(gateway, { listen: { port: 0, host: '127.0.0.1' } });
    stops.push(() => gateway.stop());

    return { simulator, gatewayUrl, subgraphUrl: subgraph.url, startedAt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
