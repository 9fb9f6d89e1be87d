/**
 * The one HTTP client for WeChat: it owns the connection pool, the per-call timeout and
 * the caller's deadline, retries with backoff and jitter, the upstream guard (bounded
 * concurrency, circuit breaker), and keeping access tokens out of every error and log.
 * It knows WeChat's wire contract and nothing of GraphQL.
 */
import pRetry from 'p-retry';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { type CloudEnvironment, CloudEnvironmentStatus, EnvInfoShapeError, readCloudEnvironment } from './cloud-environment.js';
import { WechatApiError, WechatTransportError, scrubTokens } from './errors.js';
import { retriesForError } from './retry-policy.js';
import { UpstreamGuard } from './upstream-guard.js';
import { type Metrics, unobserved } from '../observability/metrics.js';

export interface WechatClientOptions {
  /** Origin such as https://api.weixin.qq.com */
  readonly baseUrl: string;
  /** Deadline for one HTTP call, connection included. */
  readonly timeoutMs: number;
  /** Most sockets kept open to WeChat at once. */
  readonly maxConnections: number;
  /** First backoff before retrying a transient failure; doubles per retry, with jitter. */
  readonly retryBaseDelayMs?: number;
  /** Most calls in flight at once, and most waiting behind them (see UpstreamGuard). */
  readonly maxConcurrency?: number;
  readonly maxQueue?: number;
  /** How long the circuit stays open before a probe. */
  readonly circuitResetMs?: number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export interface CallOptions {
  /** Epoch ms after which the caller no longer wants an answer. */
  readonly deadline?: number;
  /**
   * false for calls whose lost answer cannot be asked for again: a token endpoint may have
   * issued a token (and a new refresh token) whose answer never arrived. Such calls are
   * retried only on errcodes that say WeChat did nothing (-1, -1000), never on transport failures.
   */
  readonly idempotent?: boolean;
}

const GET_ENV_INFO = '/tcb/getenvinfo';

export class WechatClient {
  private readonly agent: Agent;
  private readonly metrics: Metrics;
  readonly guard: UpstreamGuard;

  constructor(private readonly options: WechatClientOptions) {
    this.metrics = options.metrics ?? unobserved();
    this.agent = new Agent({ connections: options.maxConnections, keepAliveTimeout: 30_000, pipelining: 1 });
    this.guard = new UpstreamGuard({
      host: new URL(options.baseUrl).host,
      maxConcurrency: options.maxConcurrency ?? options.maxConnections,
      maxQueue: options.maxQueue ?? 1_000,
      resetMs: options.circuitResetMs ?? 5_000,
      logger: options.logger,
      metrics: this.metrics,
    });
  }

  /** The authorizer's cloud environments; with `env`, at most that one. */
  async getEnvInfo(accessToken: string, env?: string, call: CallOptions = {}): Promise<CloudEnvironment[]> {
    const body = await this.post(GET_ENV_INFO, { access_token: accessToken }, env === undefined ? {} : { env }, call);
    const infoList = body['info_list'] ?? [];
    if (!Array.isArray(infoList)) {
      throw new WechatTransportError(GET_ENV_INFO, 'invalid-body', 'info_list is not an array');
    }
    try {
      const environments = infoList.map(readCloudEnvironment);
      for (const environment of environments) {
        if (environment.status === CloudEnvironmentStatus.UNKNOWN) {
          this.options.logger.warn(
            { env: environment.env, upstreamStatus: environment.upstreamStatus },
            'getEnvInfo returned an undocumented environment status; serving it as UNKNOWN',
          );
        }
      }
      return environments;
    } catch (error) {
      if (error instanceof EnvInfoShapeError) {
        throw new WechatTransportError(GET_ENV_INFO, 'invalid-body', error.message);
      }
      throw error;
    }
  }

  /**
   * POSTs JSON (credentials in `query`, as WeChat wants them) and returns the decoded body
   * of a successful answer. Busy errcodes and transport failures are retried with
   * exponential backoff and jitter, never past the caller's deadline.
   */
  async post(path: string, query: Readonly<Record<string, string>>, payload: object, call: CallOptions = {}): Promise<Record<string, unknown>> {
    const deadline = call.deadline ?? Number.POSITIVE_INFINITY;
    const retryBaseDelayMs = this.options.retryBaseDelayMs ?? 100;
    const retryable = (error: unknown) => call.idempotent !== false || error instanceof WechatApiError;
    const shouldRetry = (error: unknown, attemptNumber: number) =>
      retryable(error) && attemptNumber <= retriesForError(error) && deadline - Date.now() > retryBaseDelayMs * 2 ** attemptNumber;
    return pRetry(() => this.guard.run(path, () => this.observed(path, () => this.postOnce(path, query, payload, deadline))), {
      retries: 2,
      factor: 2,
      minTimeout: retryBaseDelayMs,
      randomize: true,
      shouldRetry: ({ error, attemptNumber }) => shouldRetry(error, attemptNumber),
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (shouldRetry(error, attemptNumber)) {
          const detail = error instanceof WechatApiError ? { errcode: error.errcode, rid: error.rid } : { failure: (error as WechatTransportError).failure };
          this.options.logger.warn({ endpoint: path, ...detail, attempt: attemptNumber }, 'retrying a transient WeChat failure');
        }
      },
    });
  }

  /** Times one HTTP call into the upstream histogram, labelled by endpoint and outcome. */
  private async observed<T>(path: string, call: () => Promise<T>): Promise<T> {
    const stop = this.metrics.upstreamCalls.startTimer({ endpoint: path });
    try {
      const result = await call();
      stop({ outcome: '0' });
      return result;
    } catch (error) {
      stop({ outcome: error instanceof WechatApiError ? String(error.errcode) : error instanceof WechatTransportError ? error.failure : 'error' });
      throw error;
    }
  }

  private async postOnce(path: string, query: Readonly<Record<string, string>>, payload: object, deadline: number): Promise<Record<string, unknown>> {
    const timeoutMs = Math.min(this.options.timeoutMs, deadline - Date.now());
    if (timeoutMs <= 0) throw new WechatTransportError(path, 'timeout', 'the operation deadline passed before the call');
    const search = new URLSearchParams(query).toString();
    const url = `${this.options.baseUrl}${path}${search ? `?${search}` : ''}`;
    const abort = new AbortController();
    // A timer cleared on completion; AbortSignal.timeout would keep one alive for the full timeout.
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const started = performance.now();
    let status = 0;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: abort.signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (abort.signal.aborted) {
        throw new WechatTransportError(path, 'timeout', `no answer within ${timeoutMs} ms`);
      }
      const reason = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
      throw new WechatTransportError(path, 'connection', scrubTokens(reason));
    } finally {
      clearTimeout(timer);
    }
    this.options.logger.debug({ endpoint: path, httpStatus: status, ms: Math.round(performance.now() - started) }, 'WeChat call');
    if (status !== 200) {
      throw new WechatTransportError(path, 'http-status', `HTTP ${status}`, status);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new WechatTransportError(path, 'invalid-body', `answer is not JSON (${text.length} bytes)`, status);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new WechatTransportError(path, 'invalid-body', 'answer is not a JSON object', status);
    }
    const record = body as Record<string, unknown>;
    const errcode = record['errcode'] ?? 0;
    if (typeof errcode !== 'number') {
      throw new WechatTransportError(path, 'invalid-body', 'errcode is not a number', status);
    }
    if (errcode !== 0) {
      const errmsg = typeof record['errmsg'] === 'string' ? scrubTokens(record['errmsg']) : '';
      throw new WechatApiError(path, errcode, errmsg);
    }
    return record;
  }

  /** Closes pooled connections; in-flight calls finish first. */
  async close(): Promise<void> {
    this.guard.shutdown();
    await this.agent.close();
  }
}
