/**
 * How a Redis is reached, read the same way for the store (REDIS_*) and the platform's Redis
 * (PLATFORM_REDIS_*): a single node by URL, a Sentinel group, or a Cluster, exactly one of
 * them. Each concern writes its variables out in its own model; the pieces they are made of,
 * the rules between them and what they build are here, once. Passwords are never echoed.
 */
import { z } from 'zod';
import { type Rule, rulesOver } from './model.js';
import { REDIS_URL, optionalMatching, optionalString } from './variables.js';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

interface Credentials {
  /** ACL user of the data nodes; unset: the default user. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** TLS to every node (and to the sentinels). */
  readonly tls: boolean;
}

export type RedisTopology =
  | { readonly kind: 'node'; readonly url: string }
  | (Credentials & { readonly kind: 'sentinel'; readonly sentinels: readonly RedisAddress[]; readonly name: string; readonly sentinelPassword: string | undefined })
  | (Credentials & { readonly kind: 'cluster'; readonly nodes: readonly RedisAddress[] });

/** The names one concern gives its topology variables. */
export interface TopologyNames<N extends string = string> {
  readonly url: N;
  readonly sentinels: N;
  readonly sentinelName: N;
  readonly sentinelPassword: N;
  readonly clusterNodes: N;
  readonly username: N;
  readonly password: N;
  readonly tls: N;
}

export const redisUrl = (name: string, example: string) => optionalMatching(REDIS_URL, `${name} must be a redis:// or rediss:// URL such as ${example}`);

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
/** What may be echoed back of a bad entry: a password pasted in (user:secret@host) is not. */
const ECHOABLE = /^[A-Za-z0-9.:[\]_-]{1,80}$/;

/** `host:port,host:port`; every bad entry is named, with what is wrong with it. */
export const addressList = (name: string, example: string) =>
  optionalString.transform((value, ctx): readonly RedisAddress[] | undefined => {
    if (value === undefined) return undefined;
    const problems: string[] = [];
    const addresses: RedisAddress[] = [];
    value.split(',').forEach((raw, index) => {
      const entry = raw.trim();
      const shown = ECHOABLE.test(entry) ? `"${entry}"` : `entry ${index + 1}`;
      const match = /^(.*):(\d{1,5})$/.exec(entry);
      if (entry === '') problems.push(`entry ${index + 1} is empty`);
      else if (!match) problems.push(`${shown} has no :port`);
      else if (!HOST.test(match[1]!)) problems.push(`${shown} has no valid host (a name, an IPv4 address or an [IPv6] address)`);
      else if (!(Number(match[2]) >= 1 && Number(match[2]) <= 65_535)) problems.push(`${shown} has a port outside 1-65535`);
      else if (addresses.some((known) => `${known.host}:${known.port}` === entry)) problems.push(`${shown} is listed twice`);
      else addresses.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) });
    });
    if (problems.length > 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a comma-separated list of host:port such as ${example}: ${problems.join('; ')}` });
      return z.NEVER;
    }
    return Object.freeze(addresses);
  });

export const sentinelName = (name: string) =>
  optionalMatching(/^[A-Za-z0-9._-]{1,64}$/, `${name} must be the master group's name the sentinels monitor: 1 to 64 characters from A-Z, a-z, 0-9, ".", "_" and "-"`);

export const tlsSwitch = (name: string) =>
  z
    .enum(['true', 'false', ''], { message: `${name} must be true or false` })
    .optional()
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : undefined));

type TopologyValues<N extends string> = Readonly<Record<N, unknown>>;

const set = (value: unknown) => value !== undefined;

/** Exactly one topology; each variable only with the topology that reads it. */
export function topologyRules<N extends string>(names: TopologyNames<N>): Rule<TopologyValues<N>>[] {
  const rule = rulesOver<TopologyValues<N>>();
  const { url, sentinels, sentinelName: group, sentinelPassword, clusterNodes, username, password, tls } = names;
  const credentials = [username, password, tls];
  return [
    rule([url, sentinels, clusterNodes], (values) => {
      const chosen = [url, sentinels, clusterNodes].filter((name) => set(values[name]));
      return (
        chosen.length > 1 &&
        `Set one of ${url} (a single node), ${sentinels} (a Sentinel group) or ${clusterNodes} (a Cluster), not several: ${chosen.join(' and ')} are set`
      );
    }),
    rule([sentinels, group], (values) => set(values[sentinels]) && !set(values[group]) && `${sentinels} needs ${group}, the name of the master group the sentinels monitor`),
    rule([sentinels, group, sentinelPassword], (values) => {
      const stray = [group, sentinelPassword].filter((name) => set(values[name]));
      return !set(values[sentinels]) && stray.length > 0 && `${stray.join(' and ')} ${stray.length === 1 ? 'is' : 'are'} only read with ${sentinels}`;
    }),
    rule([url, sentinels, clusterNodes, ...credentials], (values) => {
      const stray = credentials.filter((name) => set(values[name]));
      if (stray.length === 0 || set(values[sentinels]) || set(values[clusterNodes])) return undefined;
      const they = `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} only read with ${sentinels} or ${clusterNodes}`;
      return set(values[url]) ? `${they}; ${url} carries its own (rediss://user:password@host:6379 for TLS and a password)` : they;
    }),
    rule([username, password], (values) => set(values[username]) && !set(values[password]) && `${username} needs ${password}`),
  ];
}

/** The topology the values describe; undefined when none is set. */
export function topologyOf<N extends string>(values: TopologyValues<N>, names: TopologyNames<N>): RedisTopology | undefined {
  const text = (name: N) => values[name] as string | undefined;
  const credentials: Credentials = { username: text(names.username), password: text(names.password), tls: values[names.tls] === true };
  const sentinels = values[names.sentinels] as readonly RedisAddress[] | undefined;
  const nodes = values[names.clusterNodes] as readonly RedisAddress[] | undefined;
  if (text(names.url) !== undefined) return Object.freeze({ kind: 'node', url: text(names.url)! });
  if (sentinels) return Object.freeze({ kind: 'sentinel', sentinels, name: text(names.sentinelName)!, sentinelPassword: text(names.sentinelPassword), ...credentials });
  if (nodes) return Object.freeze({ kind: 'cluster', nodes, ...credentials });
  return undefined;
}

/** The passwords a topology carries (in its URL, or beside its nodes and sentinels): secrets every log line is scrubbed of. */
export function passwordsOf(topology: RedisTopology | undefined): string[] {
  if (topology === undefined) return [];
  // Config has checked the URL; a password in it is a secret like the others.
  if (topology.kind === 'node') return [decodeURIComponent(new URL(topology.url).password)].filter(Boolean);
  return [topology.password, topology.kind === 'sentinel' ? topology.sentinelPassword : undefined].filter((secret): secret is string => secret !== undefined);
}
