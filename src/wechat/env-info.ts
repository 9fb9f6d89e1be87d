/**
 * A cloud environment as the rest of the subgraph sees it, and the one place where
 * getEnvInfo's `info_list` entries become that: times read as China time, statuses
 * outside the documented set kept visible as UNKNOWN.
 */
import { parseChinaTime } from './china-time.js';

export enum CloudEnvironmentStatus {
  NORMAL = 'NORMAL',
  HALTED = 'HALTED',
  UNAVAILABLE = 'UNAVAILABLE',
  UNKNOWN = 'UNKNOWN',
}

export interface EnvInfo {
  readonly env: string;
  readonly alias: string;
  readonly createTime: Date;
  readonly updateTime: Date;
  readonly status: CloudEnvironmentStatus;
  /** The status text WeChat sent, kept for logs when it is not one we know. */
  readonly upstreamStatus: string;
  readonly packageId: string;
  readonly packageName: string;
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set(['NORMAL', 'HALTED', 'UNAVAILABLE']);

/** Why an `info_list` entry could not be read; the client turns it into a transport error. */
export class EnvInfoShapeError extends Error {
  override name = 'EnvInfoShapeError';
}

function text(entry: Record<string, unknown>, field: string, required: boolean): string {
  const value = entry[field];
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) {
    if (!required) return '';
    throw new EnvInfoShapeError(`info_list entry has no ${field}`);
  }
  throw new EnvInfoShapeError(`info_list entry has a non-string ${field}`);
}

function time(entry: Record<string, unknown>, field: string): Date {
  const raw = text(entry, field, true);
  const date = parseChinaTime(raw);
  if (!date) throw new EnvInfoShapeError(`info_list entry has ${field} "${raw}", not YYYY-MM-DD HH:mm:ss`);
  return date;
}

/** Reads one `info_list` entry; throws EnvInfoShapeError when a required field is unusable. */
export function readEnvInfo(entry: unknown): EnvInfo {
  if (typeof entry !== 'object' || entry === null) throw new EnvInfoShapeError('info_list entry is not an object');
  const record = entry as Record<string, unknown>;
  const env = text(record, 'env', true);
  if (env === '') throw new EnvInfoShapeError('info_list entry has an empty env');
  const upstreamStatus = text(record, 'status', true);
  return {
    env,
    alias: text(record, 'alias', false),
    createTime: time(record, 'create_time'),
    updateTime: time(record, 'update_time'),
    status: KNOWN_STATUSES.has(upstreamStatus) ? (upstreamStatus as CloudEnvironmentStatus) : CloudEnvironmentStatus.UNKNOWN,
    upstreamStatus,
    packageId: text(record, 'package_id', false),
    packageName: text(record, 'package_name', false),
  };
}
