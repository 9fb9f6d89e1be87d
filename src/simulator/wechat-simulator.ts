/**
 * An embedded WeChat API speaking real HTTP on loopback, so the subgraph's client, pooling,
 * timeouts, retries and token lifecycle are exercised exactly as in production. It records
 * every request, issues component and authorizer tokens, and lets tests inject faults and
 * change the platform's state mid-run.
 *
 * Order of handling: the request is read in full and recorded; then a WeChat-wide outage
 * (startOutage) strikes it, else the next injected fault
 * for its `access_token` (if any), else for its path (if any), is consumed, else a random
 * fault may strike (injectRandomFaults), whatever the method, because faults stand for the
 * network and gateways in front of WeChat; only then does the route run its WeChat checks
 * (see routes.ts). With `latencyMs`, every answer first waits that long (a fixed upstream
 * latency for the benchmark).
 */
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimulatedAuthorizers, type SimulatedAuthorizer } from './simulated-authorizers.js';
import { ComponentAccount, type SimulatedComponent } from './component-account.js';
import { ComponentPushes } from './component-pushes.js';
import { answerWithFault } from './fault-answer.js';
import { FaultQueue, type SimulatedFault } from './fault-queue.js';
import { type RandomFaultOptions, RandomFaults } from './random-faults.js';
import { routeRequest } from './routes.js';
import { receiveRequest, type SimulatorState } from './simulated-route.js';
import { TokenIssuer, type TokenKind } from './token-issuer.js';
import { errorAnswer, writeAnswer } from './wechat-answer.js';

export interface RecordedCall {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The `access_token` query parameter, if the request had one. */
  accessToken: string | undefined;
  /** Raw body, decoded as UTF-8. */
  body: string;
  /** Epoch milliseconds when the request was fully received. */
  at: number;
}

export interface WechatSimulatorOptions {
  authorizers?: SimulatedAuthorizer[];
  /** The third-party platform allowed to fetch tokens; without it api_component_token answers 40013. */
  component?: SimulatedComponent;
  /** expires_in (seconds) of every issued component and authorizer access token; default 7200. Fractions allowed. */
  tokenLifetimeSeconds?: number;
  /** When true, every api_authorizer_token answer carries a new refresh token and the old one stops working. */
  rotateRefreshTokens?: boolean;
  /** Milliseconds every answer waits before it is sent, standing for the network and WeChat's own work (the benchmark's upstream latency); default 0. */
  latencyMs?: number;
  /** Milliseconds between a ticket push the platform did not accept and its retry (two retries); default 100. */
  pushRetryDelayMs?: number;
}

export class WechatSimulator {
  readonly #state: SimulatorState;
  readonly #tokenFaults = new FaultQueue();
  readonly #endpointFaults = new FaultQueue();
  #randomFaults: RandomFaults | undefined;
  #outage: SimulatedFault | undefined;
  readonly #latencyMs: number;
  #calls: RecordedCall[] = [];
  #server: Server | undefined;
  #url: string | undefined;
  /** Aborted by stop(), so delayed answers do not outlive the server. */
  #running = new AbortController();
  /**
   * WeChat's pushes to the platform's authorization event URL: the ticket, authorizations
   * and revocations. The event URL is set with pushes.setEventTarget (or startTicketPushes);
   * pushes.nextTicketPush() awaits the push api_start_push_ticket causes.
   */
  readonly pushes: ComponentPushes;

  constructor(options: WechatSimulatorOptions = {}) {
    this.#latencyMs = options.latencyMs ?? 0;
    if (!(this.#latencyMs >= 0)) throw new RangeError(`latencyMs must be 0 or more milliseconds (got ${options.latencyMs})`);
    const pushRetryDelayMs = options.pushRetryDelayMs ?? 100;
    if (!(pushRetryDelayMs >= 0 && Number.isFinite(pushRetryDelayMs))) {
      throw new RangeError(`pushRetryDelayMs must be 0 or more milliseconds (got ${options.pushRetryDelayMs}); omit it for 100`);
    }
    const authorizers = new SimulatedAuthorizers(options.authorizers);
    const component = new ComponentAccount(options.component);
    this.pushes = new ComponentPushes(component, authorizers, pushRetryDelayMs);
    this.#state = {
      authorizers,
      component,
      tokens: new TokenIssuer(options.tokenLifetimeSeconds),
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
      pushes: this.pushes,
    };
  }

  /** Listens (default: an ephemeral port on 127.0.0.1) and resolves the base URL. */
  async start(options: { port?: number; host?: string } = {}): Promise<string> {
    if (this.#server) {
      throw new Error(`WechatSimulator is already running at ${this.#url}; stop() it before starting it again`);
    }
    const { port = 0, host = '127.0.0.1' } = options;
    const server = createServer((incoming, response) => void this.#handle(incoming, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: boundPort } = server.address() as AddressInfo;
    this.#server = server;
    this.#running = new AbortController();
    // Every delayed answer listens on it: under load, far more than the default ten at once.
    setMaxListeners(0, this.#running.signal);
    this.#url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    return this.#url;
  }

  /** Closes the server and every open socket at once: pooled keep-alive ones and hung requests alike. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#url = undefined;
    this.pushes.stop();
    this.#running.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  get url(): string {
    if (this.#url === undefined) {
      throw new Error('WechatSimulator is not running: await simulator.start() before reading its url');
    }
    return this.#url;
  }

  /** Adds the authorizer, or replaces the one with the same appid (authorized again; its earlier fixed token still answers, as the replacement). */
  addAuthorizer(authorizer: SimulatedAuthorizer): void {
    this.#state.authorizers.add(authorizer);
  }

  /**
   * Queues a fault for requests carrying this access token; `times` defaults to never
   * wearing off; with `every: n` it strikes one request in n (the first, then every nth).
   */
  injectFault(accessToken: string, fault: SimulatedFault, options: { times?: number; every?: number } = {}): void {
    this.#tokenFaults.add(accessToken, fault, options.times, options.every);
  }

  /** WeChat as a whole is down: every request, whatever its path or token, meets `fault` until endOutage(). */
  startOutage(fault: SimulatedFault): void {
    this.#outage = fault;
  }

  endOutage(): void {
    this.#outage = undefined;
  }

  /** Queues a fault for any request on this path (e.g. api_authorizer_token); a matching per-token fault goes first. */
  injectEndpointFault(path: string, fault: SimulatedFault, options: { times?: number } = {}): void {
    this.#endpointFaults.add(path, fault, options.times);
  }

  /**
   * From now on each request on `paths` (default: getenvinfo) is faulted with probability
   * `fraction`, the fault chosen uniformly from `faults` by a PRNG seeded with `seed`.
   * Queued faults go first. Replaces any earlier random faults; clearFaults() ends them.
   */
  injectRandomFaults(options: RandomFaultOptions): void {
    this.#randomFaults = new RandomFaults(options);
  }

  /** How many requests the current random faults have struck (0 when there are none). */
  get randomFaultCount(): number {
    return this.#randomFaults?.injected ?? 0;
  }

  /** Drops every queued fault, per token and per endpoint, and ends random faults and any outage. */
  clearFaults(): void {
    this.#outage = undefined;
    this.#tokenFaults.clear();
    this.#endpointFaults.clear();
    this.#randomFaults = undefined;
  }

  /** The platform pushed a new component_verify_ticket: the current one now answers 61005, older ones 61006. */
  setVerifyTicket(ticket: string): void {
    this.#state.component.setVerifyTicket(ticket);
  }

  /** The component token stops working (42001), as if its lifetime had run out. */
  expireComponentToken(): void {
    this.#state.tokens.expireAll('component');
  }

  /** The authorizer's current issued access token stops working (40001), as when WeChat invalidates it mid-run. Fixed tokens are unaffected. */
  revokeAuthorizerTokens(appId: string): void {
    this.#state.tokens.revoke('authorizer', this.#state.authorizers.known(appId, 'revokeAuthorizerTokens').appId);
  }

  /**
   * The merchant withdrew the authorization: api_authorizer_token answers 61003 for it until
   * addAuthorizer adds it again. Its current token keeps working until it lapses; call
   * revokeAuthorizerTokens too to cut it off at once.
   */
  deauthorize(appId: string): void {
    this.#state.authorizers.deauthorize(appId);
  }

  /**
   * The merchant authorized the component (again): it authorizes from now on with a fresh
   * refresh token; returns the authorization code WeChat pushes to the platform, which
   * api_query_auth exchanges once.
   */
  authorize(appId: string): string {
    return this.#state.authorizers.authorize(appId);
  }

  /** The refresh token api_authorizer_token accepts for this authorizer from now on. */
  setRefreshToken(appId: string, refreshToken: string): void {
    this.#state.authorizers.setRefreshToken(appId, refreshToken);
  }

  /** The refresh token api_authorizer_token accepts for this authorizer; undefined when it has none or is unknown. */
  currentRefreshToken(appId: string): string | undefined {
    return this.#state.authorizers.refreshTokenOf(appId);
  }

  /** How many tokens of this kind were issued (to this appid, or in all); compare with callCount(path). */
  issuedTokenCount(kind: TokenKind, appId?: string): number {
    return this.#state.tokens.issuedCount(kind, appId);
  }

  /** Every request received, in order: the calls "on the wire". */
  get calls(): readonly RecordedCall[] {
    return this.#calls;
  }

  /** How many requests arrived, optionally only those for this path (without query). */
  callCount(path?: string): number {
    return path === undefined ? this.#calls.length : this.#calls.filter((call) => call.path === path).length;
  }

  resetCalls(): void {
    this.#calls = [];
  }

  async #handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const request = await receiveRequest(incoming);
      const accessToken = request.query.get('access_token') ?? undefined;
      this.#calls.push({ method: request.method, path: request.path, accessToken, body: request.body, at: Date.now() });
      const fault =
        this.#outage ??
        (accessToken === undefined ? undefined : this.#tokenFaults.take(accessToken)) ??
        this.#endpointFaults.take(request.path) ??
        this.#randomFaults?.take(request.path);
      const route = () => routeRequest(request, this.#state);
      if (this.#latencyMs > 0) await sleep(this.#latencyMs, undefined, { signal: this.#running.signal });
      if (fault) await answerWithFault(fault, route, incoming, response, this.#running.signal);
      else writeAnswer(response, route());
    } catch {
      // The client went away, stop() cut a delay short, or a route threw: WeChat's own answer
      // to an internal failure is -1000, if the socket can still carry one.
      if (!response.headersSent && !response.destroyed) writeAnswer(response, errorAnswer(-1000));
    }
  }
}
