/**
 * This replica's copy of the answers it read: per authorizer, its full list and a few
 * single-environment answers. Bounded by authorizers and by estimated bytes (lru-cache's
 * `max` and `maxSize`): the least recently used authorizer goes first. Each authorizer's
 * copy lives as long as the longest window allows; whether an answer may still be served,
 * and how, is its age's to say (shared-env-info.ts).
 */
import { LRUCache } from 'lru-cache';
import { ALL_ENVIRONMENTS, type EnvironmentQuery } from './batch-rule.js';
import { type KeptAnswer, answerFor, estimatedBytes, newer } from './kept-answer.js';

/** Single-environment answers kept per authorizer beyond its full list: a mini program has a few environments, not dozens. */
const MAX_SINGLE_ENV_ANSWERS = 16;

interface AuthorizerAnswers {
  readonly byQuery: ReadonlyMap<EnvironmentQuery, KeptAnswer>;
  readonly bytes: number;
}

export interface MemoryAnswersOptions {
  readonly maxAuthorizers: number;
  readonly maxBytes: number;
  /** How long an authorizer's copy lives after its last answer; 0 keeps nothing. */
  readonly lifeMs: number;
}

export class MemoryAnswers {
  private readonly byAuthorizer: LRUCache<string, AuthorizerAnswers> | undefined;

  constructor(options: MemoryAnswersOptions) {
    this.byAuthorizer =
      options.lifeMs > 0
        ? new LRUCache({
            max: options.maxAuthorizers,
            maxSize: options.maxBytes,
            sizeCalculation: (answers) => answers.bytes,
            ttl: options.lifeMs,
            ttlAutopurge: false,
          })
        : undefined;
  }

  /** The newest kept answer to `query`: its own, or for one env the full list filtered. */
  find(authorizerAppId: string, query: EnvironmentQuery): KeptAnswer | undefined {
    const answers = this.byAuthorizer?.get(authorizerAppId)?.byQuery;
    if (!answers) return undefined;
    const own = answers.get(query);
    return query === ALL_ENVIRONMENTS ? own : newer(own, answerFor(query, answers.get(ALL_ENVIRONMENTS)));
  }

  keep(authorizerAppId: string, answer: KeptAnswer): void {
    if (!this.byAuthorizer) return;
    const byQuery = new Map(this.byAuthorizer.get(authorizerAppId)?.byQuery);
    byQuery.delete(answer.query);
    if (answer.query !== ALL_ENVIRONMENTS && byQuery.size - (byQuery.has(ALL_ENVIRONMENTS) ? 1 : 0) >= MAX_SINGLE_ENV_ANSWERS) {
      // The single-env answer kept longest goes (insertion order; each answer is re-inserted when it lands).
      const oldest = [...byQuery.keys()].find((query) => query !== ALL_ENVIRONMENTS);
      if (oldest !== undefined) byQuery.delete(oldest);
    }
    byQuery.set(answer.query, answer);
    let bytes = 2 * authorizerAppId.length;
    for (const kept of byQuery.values()) bytes += estimatedBytes(kept);
    this.byAuthorizer.set(authorizerAppId, { byQuery, bytes });
  }

  /** Deletes every answer kept for the authorizer; returns whether there was one. */
  forget(authorizerAppId: string): boolean {
    return this.byAuthorizer?.delete(authorizerAppId) ?? false;
  }
}
