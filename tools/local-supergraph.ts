/**
 * `npm run supergraph`: the federated picture on one machine. The WeChat simulator (demo
 * world), this subgraph on it, the merchants stand-in and a Hive Gateway composing the two,
 * each on a local port, so a developer can query `{ merchants { name cloudEnvironments { … } } }`
 * in GraphiQL at once. SIGINT or SIGTERM stops every piece and exits 0.
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { z } from 'zod';
import { startSubgraph } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { schemaOptionsOf } from '../src/schema/build-schema.js';
import { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, WechatSimulator, demoSimulatorOptions } from '../src/simulator/index.js';
import { readCommandLine } from './command-line.js';
import { scopesFromHeader, startHiveGateway } from './hive-gateway.js';
import { startMerchantsSubgraph } from './merchants-subgraph.js';
import { simulatedWechatEnv } from './simulated-wechat-env.js';
import { composeSupergraph } from './supergraph.js';

readCommandLine({
  name: 'npm run supergraph',
  usage: `usage: npm run supergraph

Starts the WeChat simulator (demo world), this subgraph on it, the merchants stand-in and a
Hive Gateway composing the two, on 127.0.0.1; open the gateway's URL for GraphiQL. SIGINT or
SIGTERM stops every piece. Takes no arguments; set instead:
  SUPERGRAPH_PORT=4000  CLOUD_ENVIRONMENTS_PORT=4001  MERCHANTS_PORT=4002   (0: any free port)
and any of the subgraph's own variables (LOG_LEVEL, AUTHORIZATION, ROUTER_SECRET, …).`,
});

const HOST = '127.0.0.1';
const SCOPES_HEADER = 'x-scopes';
const EXAMPLE_QUERY = '{ merchants { name cloudEnvironments { env status } } }';

const port = (name: string, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, `${name} must be a port number from 0 to 65535 (0: any free port)`)
    .transform(Number)
    .refine((value) => value <= 65_535, `${name} must be a port number from 0 to 65535 (0: any free port)`)
    .optional()
    .transform((value) => value ?? fallback);

/** Ports only; everything else about the subgraph is its own configuration (README, Configuration). */
const portsModel = z.object({
  SUPERGRAPH_PORT: port('SUPERGRAPH_PORT', 4000),
  CLOUD_ENVIRONMENTS_PORT: port('CLOUD_ENVIRONMENTS_PORT', 4001),
  MERCHANTS_PORT: port('MERCHANTS_PORT', 4002),
});

function fail(message: string): never {
  process.stderr.write(`The local supergraph cannot start.\n${message}\n`);
  process.exit(1);
}

/** The port when it is free, else 0 (any free port): `npm start` already on 4001 need not stop this. */
async function portOrAnyFree(preferred: number): Promise<number> {
  if (preferred === 0) return 0;
  const probe = createNetServer();
  try {
    probe.listen(preferred, HOST);
    await once(probe, 'listening');
    probe.close();
    await once(probe, 'close');
    return preferred;
  } catch {
    process.stderr.write(`port ${preferred} is busy; using a free one instead\n`);
    return 0;
  }
}

const parsedPorts = portsModel.safeParse(process.env);
if (!parsedPorts.success) fail(parsedPorts.error.issues.map((issue) => `  - ${issue.message}`).join('\n'));
const ports = parsedPorts.data;

const simulator = new WechatSimulator(demoSimulatorOptions());
let config;
try {
  // The subgraph's own variables (LOG_LEVEL, ROUTER_SECRET, CLOUDENV_CACHE_TTL_MS, …) still
  // apply; what wires it to the simulator's demo world is fixed here.
  config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    HOST,
    PORT: String(await portOrAnyFree(ports.CLOUD_ENVIRONMENTS_PORT)),
    ...simulatedWechatEnv(await simulator.start(), DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT),
  });
} catch (error) {
  await simulator.stop();
  fail(error instanceof ConfigError ? error.message : String(error));
}

const logger = createLogger({ level: config.logLevel, pretty: true });
const running: Array<() => Promise<void>> = [() => simulator.stop()];
async function stopAll(): Promise<void> {
  for (const stop of running.reverse()) await stop().catch((error: Error) => logger.error({ err: error }, 'a piece did not stop cleanly'));
}

try {
  const subgraph = await startSubgraph(config, logger);
  running.push(() => subgraph.close());
  const merchants = await startMerchantsSubgraph({ port: await portOrAnyFree(ports.MERCHANTS_PORT), authorizerField: config.merchantAuthorizerField });
  // Stopped last: on SIGINT/SIGTERM its Apollo Server stops itself (stopOnTerminationSignals),
  // and Apollo Server 5 never settles a second stop() made while that one is still running.
  running.unshift(() => merchants.stop());
  const { supergraphSdl } = composeSupergraph({ cloudEnvironments: subgraph.url, merchants: merchants.url }, schemaOptionsOf(config));
  const gateway = await startHiveGateway({
    supergraphSdl,
    port: await portOrAnyFree(ports.SUPERGRAPH_PORT),
    host: HOST,
    routerSecret: config.routerSecret,
    // With AUTHORIZATION=router, every caller holds the scope here, so cloudEnvironments answers
    // at once; a request with an x-scopes header holds only the scopes it lists (`x-scopes: none`).
    scopesOf: (headers) => (headers.has(SCOPES_HEADER) ? scopesFromHeader(SCOPES_HEADER)(headers) : [config.authorization.scope]),
    forwardAuthorization: config.authorization.subgraph !== undefined,
    exampleQuery: EXAMPLE_QUERY,
  });
  running.push(() => gateway.close());

  process.stdout.write(
    [
      '',
      `Supergraph ready: ${gateway.url}  (Hive Gateway; open it in a browser for GraphiQL)`,
      `  cloud-environments  ${subgraph.url}  (WeChat: the simulator at ${simulator.url}, demo merchants)`,
      `  merchants           ${merchants.url}`,
      '',
      `Try it: ${EXAMPLE_QUERY}`,
      `  curl -s ${gateway.url} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
      config.authorization.router
        ? `AUTHORIZATION=router: every caller holds ${config.authorization.scope} here; send \`${SCOPES_HEADER}: none\` (or any other scopes) to be a caller without it.`
        : config.authorization.subgraph
          ? 'AUTHORIZATION=subgraph: send `Authorization: Bearer <JWT>` signed by a key of AUTH_JWKS_URL; the gateway forwards it (docs/authorization.md).'
          : 'No AUTHORIZATION: every caller reads every merchant (docs/authorization.md).',
      '',
    ].join('\n'),
  );
} catch (error) {
  logger.error({ err: error }, 'start-up failed');
  await stopAll();
  logger.flush();
  fail(error instanceof Error ? error.message : String(error));
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the local supergraph');
  await stopAll();
  logger.flush();
  process.exit(0);
}
// `on`, not `once`: the merchants stand-in's Apollo Server stops itself on these signals and
// then raises the signal again, which must find this handler still there rather than kill the process.
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
