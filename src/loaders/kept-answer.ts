/**
 * One getEnvInfo answer as the subgraph keeps it: what WeChat was asked, the environments
 * it gave, and when this subgraph read them (`fetchedAt`, the same instant for every
 * environment of the answer, which clients see as CloudEnvironment.fetchedAt). Each
 * environment is stamped once, when the answer lands, never per field.
 */
import type { EnvInfo } from '../wechat/env-info.js';
import { ALL_ENVIRONMENTS, type EnvironmentQuery } from './batch-rule.js';

export interface FetchedEnvironment extends EnvInfo {
  /** When this subgraph read the environment from WeChat. */
  readonly fetchedAt: Date;
}

export interface KeptAnswer {
  /** What WeChat was asked: every environment, or one. */
  readonly query: EnvironmentQuery;
  readonly fetchedAt: Date;
  readonly environments: readonly FetchedEnvironment[];
}

/** The answer WeChat just gave, stamped with the moment it was read. */
export function keptAnswer(query: EnvironmentQuery, environments: readonly EnvInfo[], fetchedAt = new Date()): KeptAnswer {
  return { query, fetchedAt, environments: environments.map((environment) => ({ ...environment, fetchedAt })) };
}

/** An answer for `query` taken from a kept one: as it is, or a single env filtered from the full list; undefined when it holds no answer to it. */
export function answerFor(query: EnvironmentQuery, kept: KeptAnswer | undefined): KeptAnswer | undefined {
  if (kept === undefined || query === kept.query) return kept;
  if (kept.query !== ALL_ENVIRONMENTS) return undefined;
  // Still what WeChat was asked (every environment), so a refresh asks for that again.
  return { ...kept, environments: kept.environments.filter((environment) => environment.env === query) };
}

/** The later-read of two answers (either may be missing). */
export function newer(one: KeptAnswer | undefined, other: KeptAnswer | undefined): KeptAnswer | undefined {
  if (!one || !other) return one ?? other;
  return other.fetchedAt.getTime() > one.fetchedAt.getTime() ? other : one;
}

// What an answer costs in memory, estimated without serialising it: strings at two bytes a
// character (the most V8 uses), an object and its three Dates per environment, the answer itself.
const ANSWER_BYTES = 96;
const ENVIRONMENT_BYTES = 240;

export function estimatedBytes(answer: KeptAnswer): number {
  let bytes = ANSWER_BYTES + 2 * answer.query.length;
  for (const environment of answer.environments) {
    const characters = environment.env.length + environment.alias.length + environment.upstreamStatus.length + environment.packageId.length + environment.packageName.length;
    bytes += ENVIRONMENT_BYTES + 2 * characters;
  }
  return bytes;
}
