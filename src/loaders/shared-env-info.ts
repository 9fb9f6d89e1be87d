/**
 * getEnvInfo answers shared across operations, and what an answer's age allows:
 *
 *   fresh            age ≤ CLOUDENV_CACHE_TTL_MS (each authorizer's a little less, see
 *                    freshMsOf): served as it is, no call;
 *   revalidating     up to CLOUDENV_STALE_WHILE_REVALIDATE_MS past the TTL: served at once,
 *                    and one refresh runs in the background (its failure is logged, never
 *                    thrown at a caller);
 *   stale-if-error   up to CLOUDENV_STALE_IF_ERROR_MS past the TTL: a fresh answer is asked
 *                    for, and when it fails for a reason whose `lastGood` rule is `serve`
 *                    (error-codes.ts), this last good answer is served instead;
 *   expired          older: gone; a failure is the field's error.
 *
 * A failure whose rule is `forget` (authorization) deletes every kept answer of the
 * authorizer at once, here and in the store. Identical calls in flight are made once
 * (single-flight); every call goes through the loader's token, back-off, bulkhead and
 * circuit, background refreshes included. Answers are kept in memory (memory-answers.ts)
 * and, with a store, each authorizer's full list there too (stored-answers.ts).
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { type ErrorCode, lastGoodOnFailure } from '../errors/error-codes.js';
import { type Metrics, unobserved } from '../observability/metrics.js';
import { SingleFlight } from '../single-flight.js';
import type { EnvInfo } from '../wechat/env-info.js';
import { ALL_ENVIRONMENTS, type EnvironmentQuery } from './batch-rule.js';
import { type AnswerWindows, freshMsOf, keptLifeMs } from './answer-windows.js';
import { type FetchedEnvironment, type KeptAnswer, answerFor, keptAnswer, newer } from './kept-answer.js';
import type { MemoryAnswers } from './memory-answers.js';
import { StaleEpisodes } from './stale-episodes.js';
import type { StoredAnswers } from './stored-answers.js';

/** Why a field was served an answer that is not fresh: a refresh is under way, or the code of the failure it stands in for. */
export type StaleReason = 'revalidating' | ErrorCode;

export interface EnvInfoAnswer {
  readonly environments: readonly FetchedEnvironment[];
  /** Undefined for a fresh answer. */
  readonly stale?: StaleReason | undefined;
}

/** Asks WeChat (with `env`, for that environment only). */
export type FetchEnvInfo = (env: string | undefined) => Promise<EnvInfo[]>;

/** Settles as the work does, or fails once the operation's deadline passes. */
export type WithinDeadline = <T>(work: Promise<T>) => Promise<T>;

export interface SharedEnvInfoOptions extends AnswerWindows {
  readonly memory: MemoryAnswers;
  /** The store's copy, when there is a store. */
  readonly stored?: StoredAnswers | undefined;
  /** The `extensions.code` a failure gives a field (the errors layer knows); undefined for one of no known kind. */
  readonly codeOf: (error: unknown) => ErrorCode | undefined;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export class SharedEnvInfo {
  private readonly flights: SingleFlight<KeptAnswer>;
  private readonly episodes: StaleEpisodes;
  private readonly metrics: Metrics;
  private readonly keeps: boolean;
  /** When each authorizer's answers were last deleted: an answer asked for before then is not kept when it lands. */
  private readonly forgottenAt = new LRUCache<string, number>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(private readonly options: SharedEnvInfoOptions) {
    this.metrics = options.metrics ?? unobserved();
    this.episodes = new StaleEpisodes(options.logger);
    this.keeps = keptLifeMs(options) > 0;
    this.flights = new SingleFlight({ onJoin: () => this.metrics.singleFlightJoins.inc({ kind: 'envinfo' }) });
  }

  /** The authorizer's environments (with `env`, as WeChat answers that query): kept, or fetched with `fetch` when no one else is fetching them. */
  get(authorizerAppId: string, env: string | undefined, fetch: FetchEnvInfo, within: WithinDeadline): Promise<EnvInfoAnswer> {
    const query = env ?? ALL_ENVIRONMENTS;
    // With the cache off there is nothing to look up first: straight to the flight, no extra awaits.
    if (this.options.ttlMs === 0) return this.fetched(authorizerAppId, query, fetch, within, undefined);
    const inMemory = this.options.memory.find(authorizerAppId, query);
    if (inMemory && this.ageOf(inMemory) <= freshMsOf(authorizerAppId, this.options.ttlMs)) {
      this.metrics.cacheLookups.inc({ result: 'hit' });
      return Promise.resolve(inMemory);
    }
    return this.beyondMemory(authorizerAppId, query, fetch, within, inMemory);
  }

  /** Deletes every answer kept for the authorizer, here and in the store: its authorization is gone. */
  async forget(authorizerAppId: string, because: string): Promise<void> {
    this.forgottenAt.set(authorizerAppId, Date.now());
    const hadCopy = this.options.memory.forget(authorizerAppId);
    this.episodes.forgotten(authorizerAppId, because, hadCopy);
    await this.options.stored?.forget(authorizerAppId).catch((error: Error) => {
      this.options.logger.warn({ authorizerAppId, err: error.message }, `authorizer ${authorizerAppId}: its last good answer could not be deleted from the store`);
    });
  }

  private async beyondMemory(authorizerAppId: string, query: EnvironmentQuery, fetch: FetchEnvInfo, within: WithinDeadline, inMemory: KeptAnswer | undefined) {
    // The store may hold a later answer another replica read, or the only one after a restart.
    const kept = newer(inMemory, await this.fromStore(authorizerAppId, query));
    const age = kept ? this.ageOf(kept) : Number.POSITIVE_INFINITY;
    const { ttlMs, staleWhileRevalidateMs } = this.options;
    if (kept && age <= ttlMs + staleWhileRevalidateMs) {
      this.metrics.cacheLookups.inc({ result: 'hit' });
      if (age <= freshMsOf(authorizerAppId, ttlMs)) return kept;
      this.revalidate(authorizerAppId, kept.query, fetch);
      return { environments: kept.environments, stale: 'revalidating' as const };
    }
    this.metrics.cacheLookups.inc({ result: 'miss' });
    return this.fetched(authorizerAppId, query, fetch, within, kept ?? null);
  }

  /**
   * A fresh answer, or when it fails, what the failure allows: the last good answer, or the
   * failure. `kept` is what was found before asking (null: nothing; undefined: not looked up).
   */
  private fetched(authorizerAppId: string, query: EnvironmentQuery, fetch: FetchEnvInfo, within: WithinDeadline, kept: KeptAnswer | null | undefined): Promise<EnvInfoAnswer> {
    return within(this.flight(authorizerAppId, query, fetch)).catch((error: unknown) => this.failed(authorizerAppId, query, error, kept));
  }

  private async failed(authorizerAppId: string, query: EnvironmentQuery, error: unknown, kept: KeptAnswer | null | undefined): Promise<EnvInfoAnswer> {
    const code = this.options.codeOf(error);
    const rule = code === undefined ? undefined : lastGoodOnFailure(code);
    if (rule === 'forget') {
      await this.forget(authorizerAppId, `WeChat answered ${code}`);
      throw error;
    }
    const last = rule === 'serve' && this.options.staleIfErrorMs > 0 ? (kept === undefined ? await this.lastGood(authorizerAppId, query) : kept) : null;
    if (!last || this.ageOf(last) > this.options.ttlMs + this.options.staleIfErrorMs) {
      if (code !== undefined) this.episodes.failing(authorizerAppId, code);
      throw error;
    }
    this.episodes.begin(authorizerAppId, code!, last.fetchedAt);
    return { environments: last.environments, stale: code! };
  }

  /** One refresh in the background (joining one in flight); a failure is told, never thrown. */
  private revalidate(authorizerAppId: string, query: EnvironmentQuery, fetch: FetchEnvInfo): void {
    this.flight(authorizerAppId, query, fetch).catch((error: unknown) => {
      const code = this.options.codeOf(error);
      if (code !== undefined && lastGoodOnFailure(code) === 'forget') return this.forget(authorizerAppId, `WeChat answered ${code}`);
      if (code === undefined) {
        this.options.logger.error({ authorizerAppId, err: describe(error) }, 'getEnvInfo refresh in the background failed unexpectedly');
        return undefined;
      }
      // Its fields are still served at once while the window lasts: said once, as any stale episode is.
      const kept = this.options.memory.find(authorizerAppId, query);
      if (kept) this.episodes.begin(authorizerAppId, code, kept.fetchedAt);
      return undefined;
    });
  }

  /** Joins the call in flight for the authorizer and query, or makes it; its answer is stamped and kept before any caller sees it. */
  private flight(authorizerAppId: string, query: EnvironmentQuery, fetch: FetchEnvInfo): Promise<KeptAnswer> {
    return this.flights.run(`${authorizerAppId}:${query}`, () => {
      const askedAt = Date.now();
      return fetch(query === ALL_ENVIRONMENTS ? undefined : query).then((environments) => this.landed(authorizerAppId, query, environments, askedAt));
    });
  }

  private landed(authorizerAppId: string, query: EnvironmentQuery, environments: readonly EnvInfo[], askedAt: number): KeptAnswer {
    const answer = keptAnswer(query, environments);
    // An answer to a call made before the authorization went is served to its callers, never kept.
    if (this.keeps && !((this.forgottenAt.get(authorizerAppId) ?? Number.NEGATIVE_INFINITY) > askedAt)) {
      this.options.memory.keep(authorizerAppId, answer);
      this.options.stored?.keep(authorizerAppId, answer).catch((error: Error) => this.options.logger.debug({ authorizerAppId, err: error.message }, 'getEnvInfo answer could not be written to the store'));
    }
    this.episodes.fresh(authorizerAppId);
    return answer;
  }

  /** What memory, then the store, keeps for the query. */
  private async lastGood(authorizerAppId: string, query: EnvironmentQuery): Promise<KeptAnswer | undefined> {
    return this.options.memory.find(authorizerAppId, query) ?? (await this.fromStore(authorizerAppId, query));
  }

  /** The store's answer to the query (its full list, filtered for one env); none when there is no store or it cannot be read. */
  private async fromStore(authorizerAppId: string, query: EnvironmentQuery): Promise<KeptAnswer | undefined> {
    if (!this.options.stored) return undefined;
    try {
      const stored = await this.options.stored.find(authorizerAppId);
      // Adopted into memory when it is later than what memory holds, so it outlives a store outage here too.
      if (stored && newer(this.options.memory.find(authorizerAppId, ALL_ENVIRONMENTS), stored) === stored) this.options.memory.keep(authorizerAppId, stored);
      return answerFor(query, stored);
    } catch (error) {
      // An unreachable store is a miss, not a failure: WeChat (or memory) can still answer.
      this.options.logger.debug({ err: (error as Error).message }, 'getEnvInfo answer could not be read from the store');
      return undefined;
    }
  }

  private ageOf(answer: KeptAnswer): number {
    return Date.now() - answer.fetchedAt.getTime();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

