/**
 * An embedded WeChat API speaking real HTTP on loopback, so the subgraph's client, pooling,
 * timeouts and retries are exercised exactly as in production. It records every request
 * and lets tests inject per-token faults.
 *
 * Order of handling: the request is read in full and recorded; then the next injected fault
 * for its `access_token` (if any) is consumed, whatever the path or method, because faults
 * stand for the network and gateways in front of WeChat; only then does the route run its
 * WeChat checks (see get-env-info.ts). `delay` and `truncated` wrap the route's normal answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthorizerRegistry, type SimulatedAuthorizer } from './authorizer-registry.js';
import { FaultQueue, type SimulatedFault } from './fault-queue.js';
import { routeRequest, type SimulatedRequest } from './routes.js';
import { errorAnswer, writeAnswer, writeRaw, type WechatAnswer } from './wechat-answer.js';

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

export class WechatSimulator {
  readonly #authorizers: AuthorizerRegistry;
  readonly #faults = new FaultQueue();
  #calls: RecordedCall[] = [];
  #server: Server | undefined;
  #url: string | undefined;
  /** Aborted by stop(), so delayed answers do not outlive the server. */
  #running = new AbortController();

  constructor(options: { authorizers?: SimulatedAuthorizer[] } = {}) {
    this.#authorizers = new AuthorizerRegistry(options.authorizers);
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
    this.#url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    return this.#url;
  }

  /** Closes the server and every open socket at once: pooled keep-alive ones and hung requests alike. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#url = undefined;
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

  /** Adds the authorizer, replacing any earlier one with the same access token. */
  addAuthorizer(authorizer: SimulatedAuthorizer): void {
    this.#authorizers.add(authorizer);
  }

  /** Queues a fault for requests carrying this access token; `times` defaults to never wearing off. */
  injectFault(accessToken: string, fault: SimulatedFault, options: { times?: number } = {}): void {
    this.#faults.add(accessToken, fault, options.times);
  }

  clearFaults(): void {
    this.#faults.clear();
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
      const request = await receive(incoming);
      const accessToken = request.query.get('access_token') ?? undefined;
      this.#calls.push({ method: request.method, path: request.path, accessToken, body: request.body, at: Date.now() });
      const fault = accessToken === undefined ? undefined : this.#faults.take(accessToken);
      if (fault) await this.#answerWithFault(fault, request, incoming, response);
      else writeAnswer(response, this.#route(request));
    } catch {
      // The client went away, stop() cut a delay short, or a route threw: WeChat's own answer
      // to an internal failure is -1000, if the socket can still carry one.
      if (!response.headersSent && !response.destroyed) writeAnswer(response, errorAnswer(-1000));
    }
  }

  async #answerWithFault(
    fault: SimulatedFault,
    request: SimulatedRequest,
    incoming: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    switch (fault.kind) {
      case 'errcode':
        return writeAnswer(response, errorAnswer(fault.errcode));
      case 'delay':
        await sleep(fault.ms, undefined, { signal: this.#running.signal });
        return writeAnswer(response, this.#route(request));
      case 'hang':
        return; // stop() closes the socket.
      case 'http':
        return writeRaw(response, fault.status, fault.body, fault.contentType ?? 'text/html; charset=utf-8');
      case 'truncated':
        return writeAnswer(response, this.#route(request), { truncated: true });
      case 'reset':
        incoming.socket.resetAndDestroy();
        return;
    }
  }

  #route(request: SimulatedRequest): WechatAnswer {
    return routeRequest(request, { authorizers: this.#authorizers });
  }
}

async function receive(incoming: IncomingMessage): Promise<SimulatedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://api.weixin.qq.com');
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
