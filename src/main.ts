/**
 * `npm start`: read the configuration, start the subgraph, stop cleanly on SIGTERM/SIGINT.
 * A bad configuration or authorizers file stops start-up with a message naming it.
 */
import 'reflect-metadata';
import { startSubgraph } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { shutdownTelemetry } from './telemetry.js';

function fail(message: string): never {
  process.stderr.write(`cloud-environments subgraph cannot start.\n${message}\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

const logger = createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
try {
  const subgraph = await startSubgraph(config, logger);
  logger.info({ url: subgraph.url }, `subgraph ready at ${subgraph.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await subgraph.close();
    await shutdownTelemetry();
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  logger.flush();
  fail(error instanceof Error ? error.message : String(error));
}
