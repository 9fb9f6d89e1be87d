/**
 * Assembles a running subgraph from a Config: in demo mode the embedded WeChat
 * simulator and the bundled authorizers, then the WeChat client, the schema and the
 * HTTP server. Tests start it exactly as `npm start` does.
 */
import type { Logger } from 'pino';
import { readAuthorizersFile } from './authorizers/authorizers-file.js';
import { FileAuthorizers } from './authorizers/file-authorizers.js';
import type { Config } from './config.js';
import { buildCloudEnvironmentsSchema } from './schema/build-schema.js';
import { createServer } from './server/server.js';
import { DEMO_AUTHORIZERS_FILE, WechatSimulator, demoAuthorizers } from './simulator/index.js';
import { WechatClient } from './wechat/wechat-client.js';

export interface RunningSubgraph {
  /** e.g. http://127.0.0.1:4001/graphql */
  readonly url: string;
  /** The embedded simulator's base URL in demo mode. */
  readonly simulatorUrl: string | undefined;
  close(): Promise<void>;
}

export async function startSubgraph(config: Config, logger: Logger): Promise<RunningSubgraph> {
  let simulator: WechatSimulator | undefined;
  let baseUrl = config.wechat.baseUrl;
  let authorizersFile = config.authorizersFile;
  if (config.demo) {
    simulator = new WechatSimulator({ authorizers: demoAuthorizers() });
    baseUrl = await simulator.start();
    authorizersFile ??= DEMO_AUTHORIZERS_FILE;
    logger.info({ simulatorUrl: baseUrl, authorizersFile }, 'demo mode: WECHAT_API_BASE_URL is unset, so WeChat is the embedded simulator');
  }
  if (baseUrl === undefined || authorizersFile === undefined) {
    throw new Error('unreachable: config guarantees a WeChat URL and an authorizers file outside demo mode');
  }

  const entries = await readAuthorizersFile(authorizersFile);
  const authorizers = new FileAuthorizers(entries);
  logger.info({ authorizersFile, merchants: authorizers.merchantCount, wechat: baseUrl }, 'authorizers loaded');

  const wechat = new WechatClient({ baseUrl, timeoutMs: config.wechat.timeoutMs, maxConnections: config.wechat.maxConnections, logger });
  const server = await createServer({
    schema: buildCloudEnvironmentsSchema(),
    sources: { authorizers, tokens: authorizers, wechat, logger },
    logger,
    nodeEnv: config.nodeEnv,
    exampleMerchantIds: entries.slice(0, 8).map((entry) => entry.merchantId),
  });
  const address = await server.listen({ port: config.port, host: config.host });
  const url = `${address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost')}/graphql`;

  return {
    url,
    simulatorUrl: simulator ? baseUrl : undefined,
    async close() {
      await server.close();
      await wechat.close();
      await simulator?.stop();
    },
  };
}
