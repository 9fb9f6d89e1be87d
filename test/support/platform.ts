/**
 * A stand-in for the company's third-party platform, for TOKEN_SOURCE=platform tests: it
 * mints authorizer tokens from the simulated WeChat exactly as a real platform does
 * (component token, then api_authorizer_token with the refresh token it owns), and keeps
 * them where the subgraph reads them: in Redis, or behind a token service on loopback.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSubgraph } from '../../src/app.js';
import type { AuthorizersFileEntry } from '../../src/authorizers/authorizers-file.js';
import { loadConfig } from '../../src/config/index.js';
import { AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, GET_ENV_INFO_PATH, type SimulatedAuthorizer, type SimulatedComponent, WechatSimulator } from '../../src/simulator/index.js';
import { simulatedWechatEnv, writeTemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { closeServerNow } from './close-server.js';
import { ENTITIES_QUERY, merchantRepresentations, postGraphQL } from './graphql-http.js';
import { captureLogs, fieldErrorLine } from './log-capture.js';
import { TEST_COMPONENT, type TestMerchant, appIdOf, testMerchants, tokenEndpointCalls } from './merchants.js';
import { degradedReason, readinessWhen } from './readiness.js';
import { type SubgraphStack, startSubgraphStack } from './stack.js';
import { registerSecrets } from './suite-capture.js';

/** Mints tokens at the simulator the way the platform would, and counts its own token-endpoint calls. */
export class TestPlatform {
  /** Token-endpoint calls the platform made itself (the subgraph must make none). */
  tokenEndpointCalls = 0;

  constructor(
    private readonly simulator: WechatSimulator,
    private readonly component: SimulatedComponent,
    private readonly authorizers: readonly SimulatedAuthorizer[],
  ) {}

  /** A new authorizer access token; WeChat now refuses the previous one (40001). */
  async mint(authorizerAppId: string): Promise<string> {
    const authorizer = this.authorizers.find((candidate) => candidate.appId === authorizerAppId);
    if (!authorizer?.refreshToken) throw new Error(`the test platform has no refresh token for ${authorizerAppId}`);
    const { component_access_token: componentToken } = await this.post<{ component_access_token: string }>(COMPONENT_TOKEN_PATH, {
      component_appid: this.component.appId,
      component_appsecret: this.component.appSecret,
      component_verify_ticket: this.component.verifyTicket,
    });
    const { authorizer_access_token: token } = await this.post<{ authorizer_access_token: string }>(
      `${AUTHORIZER_TOKEN_PATH}?component_access_token=${encodeURIComponent(componentToken)}`,
      { component_appid: this.component.appId, authorizer_appid: authorizerAppId, authorizer_refresh_token: authorizer.refreshToken },
    );
    registerSecrets(componentToken, token);
    return token;
  }

  private async post<T>(path: string, body: object): Promise<T> {
    this.tokenEndpointCalls += 1;
    const response = await fetch(`${this.simulator.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const answer = (await response.json()) as T & { errcode?: number };
    if (answer.errcode) throw new Error(`the simulator refused the test platform's ${path}: errcode ${answer.errcode}`);
    return answer;
  }
}

export interface TokenServiceRequest {
  readonly path: string;
  readonly authorization: string | undefined;
}

/**
 * The platform's token service: `GET /authorizers/{appid}/token` with a bearer secret,
 * answering `{ authorizer_access_token, expires_in }`, 404 for an authorizer it holds no
 * token for, 401 for a wrong secret.
 */
export class TestTokenService {
  readonly tokens = new Map<string, { token: string; expiresInSeconds: number }>();
  readonly requests: TokenServiceRequest[] = [];
  private server: Server | undefined;
  private port = 0;

  constructor(public secret: string) {
    registerSecrets(secret);
  }

  /** The platform changes its secret: every caller still sending the old one is refused (401). */
  rotateSecret(secret: string): void {
    registerSecrets(secret);
    this.secret = secret;
  }

  /** The PLATFORM_TOKEN_URL template. */
  get urlTemplate(): string {
    return `http://127.0.0.1:${this.port}/authorizers/{authorizerAppId}/token`;
  }

  /** Starts (again, on the same port after a stop). */
  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests.push({ path: request.url ?? '', authorization: request.headers.authorization });
      const appId = /^\/authorizers\/([^/]+)\/token$/.exec(request.url ?? '')?.[1];
      const held = appId === undefined ? undefined : this.tokens.get(appId);
      const [status, body] =
        request.headers.authorization !== `Bearer ${this.secret}`
          ? [401, { error: 'unauthorized' }]
          : held === undefined
            ? [404, { error: 'no token for this authorizer' }]
            : [200, { authorizer_access_token: held.token, expires_in: held.expiresInSeconds }];
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServerNow(server);
  }

  requestsFor(authorizerAppId: string): number {
    return this.requests.filter((request) => request.path === `/authorizers/${authorizerAppId}/token`).length;
  }
}

export const PLATFORM_MERCHANTS = [0, 1, 2].map((index): TestMerchant => ({ merchantId: `m_${index}`, authorizer: `a${index}` }));
const world = testMerchants(PLATFORM_MERCHANTS, 'refresh');
/** The simulated authorizers, each with the refresh token only the platform holds. */
export const platformAuthorizers = world.authorizers;
/** With TOKEN_SOURCE=platform the file names only the merchant and its authorizer. */
export const platformEntries = world.entries.map(({ merchantId, authorizerAppId }) => ({ merchantId, authorizerAppId }));
/** The same merchants as own-token entries (refresh tokens), for the start-up refusal. */
export const refreshEntries = world.entries;
export const platformAppId = (merchantId: string) => appIdOf(platformEntries, merchantId);

/**
 * Starts a TOKEN_SOURCE=platform subgraph (`platformEnv` saying where the tokens are) with
 * `entries` as its AUTHORIZERS_FILE, on a fresh simulator, where start-up must fail: the
 * error it failed with, and the WeChat calls made before it did.
 */
export async function platformStartUpFailure(entries: readonly AuthorizersFileEntry[], platformEnv: Record<string, string>): Promise<{ error: Error; wechatCalls: number }> {
  const simulator = new WechatSimulator({ authorizers: platformAuthorizers, component: TEST_COMPONENT });
  const file = await writeTemporaryAuthorizersFile(entries);
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      ...simulatedWechatEnv(await simulator.start(), file.path, TEST_COMPONENT),
      TOKEN_SOURCE: 'platform',
      ...platformEnv,
    });
    const started = await startSubgraph(config, captureLogs().logger).then(
      async (subgraph) => {
        await subgraph.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    if (!(started instanceof Error)) throw new Error('the platform-mode subgraph started; it was expected to refuse');
    return { error: started, wechatCalls: simulator.callCount() };
  } finally {
    await file.remove();
    await simulator.stop();
  }
}

/**
 * A subgraph with TOKEN_SOURCE=platform (plus `env`), its simulator and the stand-in
 * platform, for one test; stopped by `stopPlatformStacks` after each.
 */
const running: SubgraphStack[] = [];

export async function stopPlatformStacks(): Promise<void> {
  await Promise.all(running.splice(0).map((stack) => stack.stop()));
}

export async function startPlatformStack(env: Record<string, string>) {
  const stack = await startSubgraphStack({
    simulator: { authorizers: platformAuthorizers, component: TEST_COMPONENT },
    merchants: platformEntries,
    // Checked often, so /readyz's body follows the platform within a test.
    env: { TOKEN_SOURCE: 'platform', DEPENDENCY_CHECK_INTERVAL_MS: '100', ...env },
  });
  running.push(stack);
  const platform = new TestPlatform(stack.simulator, TEST_COMPONENT, platformAuthorizers);
  // The answer's shape varies by test; each asserts on what it expects.
  const query = async (...merchantIds: string[]): Promise<any> => (await ask(...merchantIds)).body;
  /** The answer, and the log line of the field error it carries for the first merchant (what the client is not told). */
  const ask = async (...merchantIds: string[]): Promise<{ body: any; errorLine: () => Record<string, any> }> => {
    const response = await postGraphQL(stack.subgraph.url, ENTITIES_QUERY, { representations: merchantRepresentations(...merchantIds) });
    return { body: response.body, errorLine: () => fieldErrorLine(stack.logs, response.headers.get('x-request-id'), merchantIds[0]!) };
  };
  const probe = async (path: '/readyz' | '/healthz') => {
    const response = await fetch(new URL(path, stack.subgraph.url));
    return { status: response.status, body: (await response.json()) as { status: string } };
  };
  /** /readyz once the platform check says `degraded` (or, false, that it is fine). */
  const platformReadiness = (degraded: boolean) => readinessWhen(stack.subgraph.url, (answer) => (degradedReason(answer, 'platform') !== undefined) === degraded);
  /** Token-endpoint calls the subgraph made: all of them, less the platform's own. */
  const subgraphMints = () => {
    const calls = tokenEndpointCalls(stack.simulator);
    return calls.component + [...calls.byAuthorizer.values()].reduce((sum, count) => sum + count, 0) - platform.tokenEndpointCalls;
  };
  return { stack, platform, query, ask, probe, platformReadiness, subgraphMints, getEnvInfoCalls: () => stack.simulator.callCount(GET_ENV_INFO_PATH) };
}
