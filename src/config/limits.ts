/** What one operation may cost: its deadline, and the size of what a caller may send. */
import { z } from 'zod';
import { integer } from './variables.js';

export const limitsModel = z.object({
  REQUEST_DEADLINE_MS: integer('REQUEST_DEADLINE_MS', 100, 120_000, 10_000),
  MAX_BODY_BYTES: integer('MAX_BODY_BYTES', 1_024, 16_777_216, 262_144),
  MAX_ENTITIES: integer('MAX_ENTITIES', 1, 100_000, 500),
  MAX_QUERY_DEPTH: integer('MAX_QUERY_DEPTH', 2, 100, 12),
  MAX_CLOUD_ENVIRONMENT_FIELDS: integer('MAX_CLOUD_ENVIRONMENT_FIELDS', 1, 1_000, 20),
});

export type LimitsVariables = z.output<typeof limitsModel>;

/** Limits that keep one operation from costing more than a gateway's real fetches. */
export interface LimitsConfig {
  /** After this long, an operation's unfinished fields fail with WECHAT_UNAVAILABLE. */
  readonly requestDeadlineMs: number;
  readonly maxBodyBytes: number;
  readonly maxEntities: number;
  readonly maxQueryDepth: number;
  readonly maxCloudEnvironmentFields: number;
}

export function limitsConfig(values: LimitsVariables): LimitsConfig {
  return Object.freeze({
    requestDeadlineMs: values.REQUEST_DEADLINE_MS,
    maxBodyBytes: values.MAX_BODY_BYTES,
    maxEntities: values.MAX_ENTITIES,
    maxQueryDepth: values.MAX_QUERY_DEPTH,
    maxCloudEnvironmentFields: values.MAX_CLOUD_ENVIRONMENT_FIELDS,
  });
}
