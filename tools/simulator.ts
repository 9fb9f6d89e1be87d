/**
 * `npm run simulator`: the WeChat simulator on its own, with the demo's world (its
 * merchants, its component), for a subgraph run outside the demo: with Redis, the
 * platform's token source or its own component settings, which the demo refuses because
 * it must never touch real data. It prints the variables that point a subgraph at it;
 * with --push-to it pushes its component_verify_ticket to that event receiver as WeChat
 * would (at once, then every minute, and whenever api_start_push_ticket is called).
 * SIGINT or SIGTERM stops it.
 */
import { parseArgs } from 'node:util';
import { DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT, DEMO_COMPONENT_EVENTS, DEMO_TICKET_PUSH_INTERVAL_MS, WechatSimulator, demoSimulatorOptions } from '../src/simulator/index.js';
import { simulatedWechatEnv } from './simulated-wechat-env.js';

const USAGE = `usage: npm run simulator -- [--port <port>] [--host <host>] [--push-to <event URL>]

  --port      port to listen on (default 4010; 0: any free port)
  --host      interface to listen on (default 127.0.0.1)
  --push-to   the subgraph's event receiver, e.g. http://127.0.0.1:4002/wechat/component/events:
              push the ticket there with the demo's message token and EncodingAESKey
  --help      this text`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' }, 'push-to': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = /^\d{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
if (!(port <= 65_535)) fail(`--port must be a port number from 0 to 65535, got "${options.port}"`);
const pushTo = options['push-to'];
if (pushTo !== undefined && !/^https?:\/\/\S+$/.test(pushTo)) fail(`--push-to must be the http(s) URL of the event receiver, got "${pushTo}"`);

const simulator = new WechatSimulator(demoSimulatorOptions());
const url = await simulator.start({ port, host: options.host });
const env = {
  ...simulatedWechatEnv(url, DEMO_AUTHORIZERS_FILE, DEMO_COMPONENT),
  ...(pushTo && { WECHAT_COMPONENT_MESSAGE_TOKEN: DEMO_COMPONENT_EVENTS.messageToken, WECHAT_COMPONENT_ENCODING_AES_KEY: DEMO_COMPONENT_EVENTS.encodingAesKey }),
};
process.stdout.write(
  `WeChat simulator (the demo's merchants and component) at ${url}\n` +
    'Point a subgraph at it with these variables (and REDIS_URL, or whatever the demo refused):\n' +
    `${Object.entries(env)
      .map(([name, value]) => `  ${name}=${value}`)
      .join('\n')}\n`,
);
if (pushTo) {
  const target = { url: pushTo, ...DEMO_COMPONENT_EVENTS };
  await simulator.pushes.startTicketPushes(target, DEMO_TICKET_PUSH_INTERVAL_MS).then(
    (answer) => process.stdout.write(`pushed the component_verify_ticket to ${pushTo}: HTTP ${answer.status}\n`),
    () => process.stdout.write(`${pushTo} does not answer yet: the ticket is pushed again every minute, and when the subgraph calls api_start_push_ticket\n`),
  );
}

const stop = () => void simulator.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
