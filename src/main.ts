/**
 * `npm start`: check the configuration (variables and authorizers file) before anything
 * starts, start the subgraph, stop cleanly on SIGTERM/SIGINT. A bad configuration stops
 * start-up with one message naming every problem.
 */
import 'reflect-metadata';
import { startSubgraph } from './app.js';
import { createLogger } from './logger.js';
import { scrubSecrets } from './observability/scrub-secrets.js';
import { checkStartup } from './start-up.js';
import { shutdownTelemetry } from './telemetry.js';

/** Start-up's last words, scrubbed as a log line is: a failure may quote a URL with credentials, or a configured secret. */
function fail(message: string): never {
  process.stderr.write(`cloud-environments subgraph cannot start.\n${scrubSecrets(message)}\n`);
  process.exit(1);
}

let checked;
try {
  checked = await checkStartup();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { config, plan } = checked;

const logger = createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development' });
try {
  const subgraph = await startSubgraph(config, logger, plan);
  logger.info({ url: subgraph.url, eventsUrl: subgraph.eventsUrl }, `subgraph ready at ${subgraph.url}`);
  if (subgraph.eventsUrl) logger.info({ eventsUrl: subgraph.eventsUrl }, `WeChat's pushes are received at ${subgraph.eventsUrl}`);
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
