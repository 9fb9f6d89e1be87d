/**
 * The one HTTP client for WeChat: it owns the connection pool, the per-call timeout and
 * the caller's deadline, retries with backoff and jitter, the upstream guard (bounded
 * concurrency, bulkhead, per-authorizer back-off, host circuits, the disaster-recovery
 * host), and keeping access tokens out of every error and log.
 * It knows WeChat's wire contract and nothing of GraphQL.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { type EnvInfo, CloudEnvironmentStatus, EnvInfoShapeError, readEnvInfo } from './env-info.js';
import { scrubSecrets } from '../observability/scrub-secrets.js';
import { DeadlinePassedError, WechatApiError, WechatTransportError } from './errors.js';
import { decodeAnswer, queryString } from './wechat-answer.js';
import { retriesForError } from './retry-policy.js';
import type { SharedHolds } from './shared-holds.js';
import type { WechatConfig } from '../config/index.js';
import { UpstreamGuard, platformLaneSize } from './upstream-guard.js';
import { type Metrics, unobserved } from '../observability/metrics.js';

/** The WeChat settings from config (every resilience setting included), and what this process hands the client. */
export interface WechatClientOptions extends Omit<WechatConfig, 'baseUrl'> {
  /** Origin such as https://api.weixin.qq.com */
  readonly baseUrl: string;
  /** First backoff before retrying a transient failure; doubles per retry, with jitter. */
  readonly retryBaseDelayMs?: number;
  /** Held-back authorizers shared with other replicas (Redis), read every sharedHoldsSyncMs (default 1 s). */
  readonly sharedHolds?: SharedHolds;
  readonly sharedHoldsSyncMs?: number;
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
  /**
   * The authorizer (appid) the call is made for: its failures hold back only it, and it
   * holds only its share of the pool. Unset for calls made for the platform itself.
   */
  readonly authorizer?: string;
}

const GET_ENV_INFO = '/tcb/getenvinfo';
const JSON_CONTENT = { 'content-type': 'application/json' };

export class WechatClient {
  private readonly agent: Agent;
  /** The platform's calls have connections of their own, as they have their own lane in the guard. */
  private readonly platformAgent: Agent;
  private readonly metrics: Metrics;
  readonly guard: UpstreamGuard;

  constructor(private readonly options: WechatClientOptions) {
    this.metrics = options.metrics ?? unobserved();
    this.agent = new Agent({ connections: options.maxConnections, keepAliveTimeout: 30_000, pipelining: 1 });
    this.platformAgent = new Agent({ connections: platformLaneSize(options.maxConcurrency), keepAliveTimeout: 30_000, pipelining: 1 });
    this.guard = new UpstreamGuard({
      baseUrls: options.fallbackBaseUrl === undefined ? [options.baseUrl] : [options.baseUrl, options.fallbackBaseUrl],
      maxConcurrency: options.maxConcurrency,
      maxConcurrencyPerAuthorizer: options.maxConcurrencyPerAuthorizer,
      maxQueue: options.maxQueue,
      resetMs: options.circuitResetMs,
      circuit: {
        window: options.circuitWindow,
        minFailures: options.circuitMinFailures,
        minAuthorizers: options.circuitMinAuthorizers,
        failurePercent: options.circuitFailurePercent,
      },
      authorizerBackoff: {
        baseMs: options.authorizerBackoffBaseMs,
        maxMs: options.authorizerBackoffMaxMs,
        ...(options.sharedHolds ? { shared: { holds: options.sharedHolds, syncMs: options.sharedHoldsSyncMs ?? 1_000 } } : {}),
      },
      logger: options.logger,
      metrics: this.metrics,
    });
  }

  /** The authorizer's cloud environments; with `env`, at most that one. */
  async getEnvInfo(accessToken: string, env?: string, call: CallOptions = {}): Promise<EnvInfo[]> {
    const body = await this.post(GET_ENV_INFO, { access_token: accessToken }, env === undefined ? {} : { env }, call);
    const infoList = body['info_list'] ?? [];
    if (!Array.isArray(infoList)) {
      throw new WechatTransportError(GET_ENV_INFO, 'invalid-body', 'info_list is not an array');
    }
    try {
      const environments = infoList.map(readEnvInfo);
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
   *
   * The retry loop is written out rather than taken from p-retry: it runs on every call,
   * and p-retry's per-call option copying and validation cost more than this loop does.
   */
  post(path: string, query: Readonly<Record<string, string>>, payload: object, call: CallOptions = {}): Promise<Record<string, unknown>> {
    const deadline = call.deadline ?? Number.POSITIVE_INFINITY;
    const pathAndQuery = `${path}${queryString(query)}`;
    const body = JSON.stringify(payload);
    return this.guard.call(path, call.authorizer, (attempt, probe) => {
      const agent = call.authorizer === undefined ? this.platformAgent : this.agent;
      const once = () => attempt((baseUrl) => this.postOnce(path, `${baseUrl}${pathAndQuery}`, body, deadline, agent));
      return probe ? once() : this.retrying(path, deadline, call, once);
    });
  }

  /** Makes attempts until one succeeds or the failure is not worth another (see retryDelayMs). */
  private async retrying<T>(path: string, deadline: number, call: CallOptions, once: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once();
      } catch (error) {
        const delayMs = this.retryDelayMs(error, attempt, deadline, call);
        if (delayMs === undefined) throw error;
        const detail = error instanceof WechatApiError ? { errcode: error.errcode, rid: error.rid } : { failure: (error as WechatTransportError).failure };
        this.options.logger.warn({ endpoint: path, ...detail, attempt }, 'retrying a transient WeChat failure');
        await sleep(delayMs);
      }
    }
  }

  /**
   * How long to wait before retrying a call whose `attempt`-th try failed with `error`, or
   * undefined to give up: the error isn't worth retrying, its retries are spent, or the
   * longest backoff would not end before the deadline. Backoff doubles from
   * retryBaseDelayMs, with up to 100% jitter.
   */
  private retryDelayMs(error: unknown, attempt: number, deadline: number, call: CallOptions): number | undefined {
    // A lost answer from a non-idempotent call cannot be asked for again; WeChat's own "did nothing" errcodes can.
    const retryable = call.idempotent !== false || error instanceof WechatApiError;
    const baseMs = (this.options.retryBaseDelayMs ?? 100) * 2 ** (attempt - 1);
    if (!retryable || attempt > retriesForError(error) || deadline - Date.now() <= baseMs * 2) return undefined;
    return Math.round(baseMs * (1 + Math.random()));
  }

  /**
   * One HTTP call within its timeout (the per-call timeout or what is left of the deadline,
   * whichever ends first), timed into the upstream histogram by endpoint and outcome. A call
   * whose deadline passed before it was sent is counted as skipped, not timed.
   */
  private async postOnce(path: string, url: string, body: string, deadline: number, agent: Agent): Promise<Record<string, unknown>> {
    const timeoutMs = Math.min(this.options.timeoutMs, deadline - Date.now());
    if (timeoutMs <= 0) {
      this.metrics.upstreamCallsSkipped.inc({ endpoint: path, reason: 'deadline' });
      throw new DeadlinePassedError(path);
    }
    const started = performance.now();
    let outcome = 'error';
    let timer: NodeJS.Timeout | undefined;
    try {
      // undici takes any EventEmitter that emits 'abort' as a signal: far cheaper per call than an AbortController.
      const abort = new EventEmitter();
      let timedOut = false;
      timer = setTimeout(() => {
        timedOut = true;
        abort.emit('abort');
      }, timeoutMs);
      let status: number;
      let text: string;
      try {
        const response = await request(url, { method: 'POST', dispatcher: agent, headers: JSON_CONTENT, body, signal: abort });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        if (timedOut) {
          // A timer the deadline cut short says the caller ran out of time, not that WeChat is slow.
          if (timeoutMs < this.options.timeoutMs) throw new DeadlinePassedError(path, `the operation deadline passed after ${timeoutMs} ms waiting for WeChat`);
          throw new WechatTransportError(path, 'timeout', `no answer within ${timeoutMs} ms`);
        }
        const reason = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
        throw new WechatTransportError(path, 'connection', scrubSecrets(reason));
      }
      const record = decodeAnswer(path, status, text);
      outcome = '0';
      return record;
    } catch (error) {
      if (error instanceof DeadlinePassedError) outcome = 'deadline';
      else if (error instanceof WechatApiError) outcome = String(error.errcode);
      else if (error instanceof WechatTransportError) outcome = error.failure;
      throw error;
    } finally {
      clearTimeout(timer);
      this.metrics.upstreamCalls.observe({ endpoint: path, outcome }, (performance.now() - started) / 1000);
    }
  }

  /** Closes pooled connections; in-flight calls finish first. */
  async close(): Promise<void> {
    this.guard.close();
    await Promise.all([this.agent.close(), this.platformAgent.close()]);
  }
}
