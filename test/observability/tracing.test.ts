/**
 * Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, the subgraph (started as `npm start` starts
 * it, SDK first with `--import`, but from source through tsx so no test needs a build)
 * exports spans for incoming HTTP, GraphQL, each WeChat HTTP call,
 * each getEnvInfo and each token refresh, with access tokens scrubbed from every URL.
 * And Apollo's federated tracing (ftv1) keeps working for routers that ask for it.
 */
import { spawn } from 'node:child_process';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { WechatSimulator } from '../../src/simulator/index.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from '../support/graphql-http.js';
import { TEST_COMPONENT, testMerchants } from '../support/merchants.js';
import { type SubgraphStack, startSubgraphStack } from '../support/stack.js';
import { captureOutput } from '../support/suite-capture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface ExportedSpan {
  readonly scope: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
}

function collector() {
  const spans: ExportedSpan[] = [];
  const payloads: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      payloads.push(`${request.url} ${body}`);
      if (request.url !== '/v1/traces') return response.end('{}');
      const json = JSON.parse(body) as { resourceSpans?: Array<{ scopeSpans?: Array<{ scope: { name: string }; spans?: Array<{ name: string; attributes?: Array<{ key: string; value: Record<string, unknown> }> }> }> }> };
      for (const resource of json.resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            const attributes = Object.fromEntries((span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
            spans.push({ scope: scope.scope.name, name: span.name, attributes });
          }
        }
      }
      response.end('{}');
    });
  });
  return { server, spans, payloads };
}

describe('OpenTelemetry traces', () => {
  const { authorizers, entries } = testMerchants([{ merchantId: 'm_0', authorizer: 'a0' }], 'refresh');
  const simulator = new WechatSimulator({ authorizers, component: TEST_COMPONENT });
  const otlp = collector();

  beforeAll(async () => {
    await simulator.start();
    await new Promise<void>((resolve) => otlp.server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await simulator.stop();
    otlp.server.close();
  });

  it('exports HTTP, GraphQL, WeChat call, getEnvInfo and token refresh spans, without tokens', async () => {
    const file = await writeTemporaryAuthorizersFile(entries);
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './src/telemetry.ts', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        ALLOW_OPEN_ACCESS: 'true',
        PORT: '0',
        HOST: '127.0.0.1',
        ...simulatedWechatEnv(simulator.url, file.path, TEST_COMPONENT),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.server.address() as AddressInfo).port}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        // Were an OTLP metrics exporter built, it would post within the run: "traces only" below would see it.
        OTEL_METRIC_EXPORT_INTERVAL: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 60_000; // the ESM hook slows start-up a lot on a busy machine
    while (!/subgraph ready at (http:\S+\/graphql)/.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const url = /subgraph ready at (http:\S+\/graphql)/.exec(output)?.[1];
    expect(url, output).toBeDefined();

    const { body } = await postGraphQL(url!, ENTITIES_QUERY, { representations: merchantRepresentations('m_0') });
    expect(body.errors).toBeUndefined();
    child.kill('SIGTERM'); // shutdown flushes the spans still buffered
    expect(await exited).toBe(0);
    captureOutput(output, ...otlp.payloads);

    const names = otlp.spans.map((span) => `${span.scope} ${span.name}`);
    expect(otlp.payloads.every((payload) => payload.startsWith('/v1/traces '))).toBe(true); // traces only
    expect(names).toContain('cloud-environments-subgraph wechat getEnvInfo');
    expect(names).toContain('cloud-environments-subgraph wechat token refresh');
    expect(names).toContain('@opentelemetry/instrumentation-http POST');
    expect(names.some((name) => name.startsWith('@opentelemetry/instrumentation-graphql '))).toBe(true);
    const wechatCalls = otlp.spans.filter((span) => span.scope === '@opentelemetry/instrumentation-undici');
    expect(wechatCalls.map((span) => span.attributes['url.path'])).toEqual(
      expect.arrayContaining(['/tcb/getenvinfo', '/cgi-bin/component/api_component_token', '/cgi-bin/component/api_authorizer_token']),
    );
    expect(wechatCalls.find((span) => span.attributes['url.path'] === '/tcb/getenvinfo')?.attributes['url.full']).toMatch(/access_token=\[REDACTED\]$/);
    const minted = simulator.calls.map((call) => call.accessToken).filter((token): token is string => token !== undefined);
    const everything = otlp.payloads.join('\n');
    for (const secret of [...minted, TEST_COMPONENT.appSecret, entries[0]!.authorizerRefreshToken!]) expect(everything).not.toContain(secret);
  }, 90_000);
});

describe('federated tracing (ftv1)', () => {
  let stack: SubgraphStack;
  beforeAll(async () => {
    stack = await startSubgraphStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('adds an ftv1 trace when the router asks for one', async () => {
    const { body } = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations('m_1003') }, { 'apollo-federation-include-trace': 'ftv1' });
    expect((body as { extensions?: { ftv1?: string } }).extensions?.ftv1).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
  });
});
