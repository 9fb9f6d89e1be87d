/**
 * Start-up's look at whether the Redis keeps what cannot be recovered: refresh tokens, the
 * merchant registry and the verify ticket have no TTL and exist nowhere else. Each master
 * (every master of a Cluster) is asked for its persistence and eviction settings: nothing
 * on disk (no AOF, no RDB save points) or a policy that evicts keys without a TTL
 * (allkeys-*, with a memory limit) is a problem. `fail` stops start-up naming each; `warn`
 * logs one line. A managed Redis that refuses CONFIG is warned about, never refused.
 */
import type { Logger } from 'pino';
import type { DurabilityCheck } from '../config/index.js';
import type { RedisMaster } from './redis-client.js';

/** The settings one master reports (CONFIG GET name → value). */
export type MasterSettings = Readonly<Record<string, string>>;

const SETTINGS = ['appendonly', 'save', 'maxmemory-policy', 'maxmemory'] as const;
const FIX = 'see docs/tokens.md#redis-in-production';

/** What is wrong with one master's settings, each told with the setting, its value and why. */
export function durabilityProblems(settings: MasterSettings): string[] {
  const problems: string[] = [];
  const { appendonly = '', save = '', 'maxmemory-policy': policy = '', maxmemory = '0' } = settings;
  if (appendonly !== 'yes' && save.trim() === '') {
    problems.push(
      `appendonly is "${appendonly}" and save is "${save}": Redis keeps nothing on disk, so a restart loses every refresh token, the merchant registry and the verify ticket; set appendonly yes (or RDB save points)`,
    );
  }
  if (policy.startsWith('allkeys-') && maxmemory !== '0') {
    problems.push(
      `maxmemory-policy is "${policy}" (maxmemory ${maxmemory}): when memory runs out Redis evicts keys without a TTL, refresh tokens and the registry among them; set noeviction, or a volatile-* policy, which evicts only keys with a TTL (caches the subgraph rebuilds)`,
    );
  }
  return problems;
}

/** CONFIG renamed away, refused by an ACL, or answered without the setting: the settings cannot be read. */
class SettingsHidden extends Error {}

async function readSettings(master: RedisMaster): Promise<MasterSettings> {
  const settings: Record<string, string> = {};
  for (const name of SETTINGS) {
    // One name per CONFIG GET: Redis before 7 takes one pattern.
    const reply = await master.redis.call('CONFIG', 'GET', name).catch((error: Error) => {
      if (/unknown command|NOPERM|not allowed|disabled/i.test(error.message)) throw new SettingsHidden(error.message);
      throw error;
    });
    const value = Array.isArray(reply) ? reply[1] : undefined;
    if (typeof value !== 'string') throw new SettingsHidden(`CONFIG GET ${name} answered no value`);
    settings[name] = value;
  }
  return settings;
}

export interface DurabilityCheckOptions {
  readonly mode: DurabilityCheck;
  readonly masters: readonly RedisMaster[];
  /** Where the store is, for messages (no password). */
  readonly where: string;
  readonly logger: Logger;
}

export class DurabilityError extends Error {
  constructor(readonly problems: readonly string[], where: string) {
    super(
      `REDIS_DURABILITY_CHECK=fail: the token store (${where}) would lose records that cannot be recovered:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nFix these settings (${FIX}), or set REDIS_DURABILITY_CHECK=warn to start anyway.`,
    );
    this.name = 'DurabilityError';
  }
}

/** Resolves when the settings keep what cannot be recovered, or once the problems are logged (warn, or CONFIG hidden); throws a DurabilityError under fail. */
export async function checkDurability({ mode, masters, where, logger }: DurabilityCheckOptions): Promise<void> {
  if (mode === 'off') return;
  const problems: string[] = [];
  try {
    for (const master of masters) {
      const found = durabilityProblems(await readSettings(master));
      problems.push(...found.map((problem) => (masters.length > 1 ? `${master.address}: ${problem}` : problem)));
    }
  } catch (error) {
    if (!(error instanceof SettingsHidden)) throw error;
    logger.warn(
      { redis: where, err: error.message },
      `REDIS_DURABILITY_CHECK=${mode}: cannot read the token store's persistence and eviction settings, as managed Redis services often refuse CONFIG; starting anyway. Make sure the service persists data (AOF or RDB snapshots) and evicts nothing without a TTL (maxmemory-policy noeviction or volatile-*): ${FIX}`,
    );
    return;
  }
  if (problems.length === 0) return;
  if (mode === 'fail') throw new DurabilityError(problems, where);
  logger.warn({ redis: where, problems }, `REDIS_DURABILITY_CHECK=warn: the token store would lose records that cannot be recovered: ${problems.join('; ')}; starting anyway`);
}
