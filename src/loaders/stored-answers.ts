/**
 * The authorizers' full getEnvInfo answers in the shared store (Redis, when configured):
 * replicas share them, and a replica restarted while WeChat is down can still serve the
 * last good answer another one read. One key per authorizer, living as long as the longest
 * window allows, so what the store holds is bounded by the authorizers, never by the `env`
 * ids callers ask for (single-environment answers stay in each replica's memory).
 */
import type { KeyValueStore } from '../store/key-value-store.js';
import type { StoreKeys } from '../store/store-keys.js';
import { CloudEnvironmentStatus } from '../wechat/env-info.js';
import { ALL_ENVIRONMENTS } from './batch-rule.js';
import type { KeptAnswer } from './kept-answer.js';

/** An environment on the wire: times as epoch milliseconds. */
interface StoredEnvironment {
  readonly env: string;
  readonly alias: string;
  readonly createTime: number;
  readonly updateTime: number;
  readonly status: CloudEnvironmentStatus;
  readonly upstreamStatus: string;
  readonly packageId: string;
  readonly packageName: string;
}

interface StoredAnswer {
  readonly fetchedAt: number;
  readonly environments: readonly StoredEnvironment[];
}

const STATUSES: ReadonlySet<string> = new Set(Object.values(CloudEnvironmentStatus));

export class StoredAnswers {
  constructor(
    private readonly store: KeyValueStore,
    private readonly keys: StoreKeys,
    /** The key's life after each write. */
    private readonly lifeMs: number,
  ) {}

  /** The authorizer's kept full list; undefined when none is (or what is there is not one). Rejects when the store cannot be read. */
  async find(authorizerAppId: string): Promise<KeptAnswer | undefined> {
    const raw = await this.store.get(this.keys.envInfo(authorizerAppId));
    return raw === undefined ? undefined : decode(raw);
  }

  async keep(authorizerAppId: string, answer: KeptAnswer): Promise<void> {
    if (answer.query !== ALL_ENVIRONMENTS || this.lifeMs === 0) return;
    const stored: StoredAnswer = {
      fetchedAt: answer.fetchedAt.getTime(),
      environments: answer.environments.map(({ fetchedAt: _read, createTime, updateTime, ...rest }) => ({ ...rest, createTime: createTime.getTime(), updateTime: updateTime.getTime() })),
    };
    await this.store.set(this.keys.envInfo(authorizerAppId), JSON.stringify(stored), { ttlMs: this.lifeMs });
  }

  async forget(authorizerAppId: string): Promise<void> {
    await this.store.delete(this.keys.envInfo(authorizerAppId));
  }
}

/** A stored answer read back; one this version cannot read (another layout, a damaged value) is no answer. */
function decode(raw: string): KeptAnswer | undefined {
  let stored: StoredAnswer;
  try {
    stored = JSON.parse(raw) as StoredAnswer;
  } catch {
    return undefined;
  }
  if (typeof stored?.fetchedAt !== 'number' || !Array.isArray(stored.environments) || !stored.environments.every(isStoredEnvironment)) return undefined;
  const fetchedAt = new Date(stored.fetchedAt);
  return {
    query: ALL_ENVIRONMENTS,
    fetchedAt,
    environments: stored.environments.map((environment) => ({
      ...environment,
      createTime: new Date(environment.createTime),
      updateTime: new Date(environment.updateTime),
      fetchedAt,
    })),
  };
}

function isStoredEnvironment(value: unknown): value is StoredEnvironment {
  const environment = value as Partial<StoredEnvironment> | null;
  return (
    typeof environment?.env === 'string' &&
    typeof environment.alias === 'string' &&
    typeof environment.createTime === 'number' &&
    typeof environment.updateTime === 'number' &&
    typeof environment.status === 'string' &&
    STATUSES.has(environment.status) &&
    typeof environment.upstreamStatus === 'string' &&
    typeof environment.packageId === 'string' &&
    typeof environment.packageName === 'string'
  );
}
