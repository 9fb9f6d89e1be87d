/**
 * The `authorizers` command's logic, apart from the process it runs in: arguments,
 * streams and environment in, an exit code out. It keeps what cannot be recovered: a
 * stored refresh token is never replaced, nor a merchant moved to another authorizer,
 * without `--replace`; a refresh token is deleted only once no merchant uses it. It never
 * prints a token, only whether one is stored.
 */
import { parseArgs } from 'node:util';
import { AuthorizerRegistry } from '../authorizers/authorizer-registry.js';
import { authorizerAppIdModel, merchantIdModel } from '../authorizers/authorizers-file.js';
import { ConfigError, type Environment, STORE_REDIS_CHOICES, loadRegistryToolConfig } from '../config/index.js';
import { createLogger } from '../logger.js';
import { RedisStore } from '../store/redis-store.js';
import { StoreKeys } from '../store/store-keys.js';
import { TokenRecords } from '../tokens/token-records.js';

export const USAGE = `usage:
  npm run authorizers -- add <merchantId> <authorizerAppId> [--refresh-token <token | ->] [--replace]
  npm run authorizers -- list
  npm run authorizers -- remove <merchantId>
  npm run authorizers -- --help

add       registers the merchant under the authorizer; with --refresh-token, stores the
          refresh token of the authorizer (- reads it from stdin, out of shell history). Without
          one, the event receiver stores it when the authorized push for the authorizer arrives.
          A different stored refresh token, or the merchant registered to another
          authorizer, is refused unless --replace is given.
list      the merchants, their authorizers and whether a refresh token is stored.
remove    unregisters the merchant; the refresh token of its authorizer is deleted once no
          merchant uses it any more. AUTHORIZERS_FILE does not bring a removed merchant back
          (add it again here to undo), nor move back one moved with --replace.
Uses the Redis of the subgraph (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, with
WECHAT_REDIS_PREFIX). Tokens are never printed.`;

export interface CommandStreams {
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit codes: 0 done, 1 refused or failed, 2 called wrongly. */
class UsageError extends Error {}
class Refused extends Error {}

const OPTIONS = { 'refresh-token': { type: 'string' }, replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

function arity(command: string, rest: readonly string[], names: readonly string[]): string[] {
  if (rest.length < names.length) throw new UsageError(`${command} needs ${names.map((name) => `<${name}>`).join(' ')}\n${USAGE}`);
  // Not echoed: a refresh token given without --refresh-token would land here, and in a CI log.
  if (rest.length > names.length) throw new UsageError(`${command} takes ${names.length} argument(s), got ${rest.length}\n${USAGE}`);
  return [...rest];
}

function valid(model: typeof merchantIdModel | typeof authorizerAppIdModel, value: string, name: string): string {
  const result = model.safeParse(value);
  // The value is not echoed: arguments given in the wrong order may put a token here.
  if (!result.success) throw new UsageError(`${name} (argument ${value.length} characters long): ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text.trim();
}

/** Runs the command against `env` (else the process's environment). */
export async function runAuthorizersCommand(argv: readonly string[], streams: CommandStreams, env?: Environment): Promise<number> {
  try {
    const output = await run(argv, streams, env);
    streams.stdout.write(`${output}\n`);
    return 0;
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof UsageError || error instanceof Refused;
    streams.stderr.write(`${known ? (error as Error).message : `authorizers: ${(error as Error).message}`}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

async function run(argv: readonly string[], streams: CommandStreams, env: Environment | undefined): Promise<string> {
  const { positionals, values } = parse(argv);
  if (values.help) return USAGE;
  const [command, ...rest] = positionals;
  if (command !== 'add' && command !== 'list' && command !== 'remove') {
    throw new UsageError(command === undefined ? USAGE : `unknown command "${command.slice(0, 40)}"\n${USAGE}`);
  }
  if (command !== 'add' && (values['refresh-token'] !== undefined || values.replace)) {
    throw new UsageError(`--refresh-token and --replace go with add only\n${USAGE}`);
  }
  const args = arity(command, rest, command === 'add' ? ['merchantId', 'authorizerAppId'] : command === 'remove' ? ['merchantId'] : []);
  const merchantId = args[0] === undefined ? undefined : valid(merchantIdModel, args[0], 'merchantId');
  const appId = args[1] === undefined ? undefined : valid(authorizerAppIdModel, args[1], 'authorizerAppId');
  let refreshToken = values['refresh-token'];
  if (refreshToken === '-') refreshToken = await readAll(streams.stdin);
  if (refreshToken !== undefined && !/^[\x21-\x7e]+$/.test(refreshToken)) throw new UsageError('the refresh token must be printable ASCII without spaces');

  const config = loadRegistryToolConfig(env);
  if (!config.store.redis) {
    throw new UsageError(
      `No Redis store is configured (${STORE_REDIS_CHOICES}): without one each subgraph process keeps its registry in memory, loaded from AUTHORIZERS_FILE; edit that file instead.`,
    );
  }
  const store = await RedisStore.connect({ topology: config.store.redis, logger: createLogger({ level: 'warn' }) });
  const keys = new StoreKeys(config.store.prefix);
  const registry: Registry = { merchants: new AuthorizerRegistry(store, keys), tokens: new TokenRecords({ store, keys, refreshAtFraction: config.refreshAtFraction }) };
  try {
    if (command === 'list') return await list(registry);
    if (command === 'remove') return await remove(registry, merchantId!);
    return await add(registry, merchantId!, appId!, refreshToken, values.replace === true);
  } finally {
    await store.close();
  }
}

/** The merchants and their authorizers' tokens: two owners, one command. */
interface Registry {
  readonly merchants: AuthorizerRegistry;
  readonly tokens: TokenRecords;
}

async function list({ merchants, tokens }: Registry): Promise<string> {
  const all = await merchants.list();
  if (all.length === 0) return 'no merchants registered';
  const lines = await Promise.all(
    all.map(async ({ merchantId, authorizerAppId }) => {
      const { stored } = await tokens.refreshTokenState(authorizerAppId);
      return `${merchantId}\t${authorizerAppId}\t${stored ? 'refresh token stored' : 'NO refresh token'}`;
    }),
  );
  return lines.join('\n');
}

async function add(registry: Registry, merchantId: string, appId: string, refreshToken: string | undefined, replace: boolean): Promise<string> {
  const { merchants, tokens } = registry;
  const lines: string[] = [];
  const previousAppId = await merchants.authorizerOf(merchantId);
  const moving = previousAppId !== undefined && previousAppId !== appId;
  const token = await tokens.refreshTokenState(appId, refreshToken);
  const replacingToken = refreshToken !== undefined && token.stored && !token.same;
  if (!replace && (moving || replacingToken)) {
    const problems: string[] = [];
    if (moving) problems.push(`${merchantId} is registered to ${previousAppId}; adding it to ${appId} would move it.`);
    if (replacingToken) {
      const users = await merchants.merchantsOf(appId);
      const usedBy = users.length === 0 ? '' : ` (used by ${users.join(', ')})`;
      problems.push(`a refresh token is stored for ${appId}${usedBy} and differs from the one given; a replaced refresh token cannot be recovered.`);
    }
    throw new Refused(`refused: ${problems.join(' ')}\nNothing was changed. Add --replace to do it anyway.`);
  }
  // Without --replace the token is written only if none is stored by then: the check above
  // and this write are apart, and an `authorized` push may store one in between.
  if (!replace && refreshToken !== undefined && !(await tokens.storeRefreshTokenIfAbsent(appId, refreshToken))) {
    throw new Refused(`refused: a refresh token was stored for ${appId} while this command ran, and differs from the one given.\nNothing was changed. Add --replace to do it anyway.`);
  }
  if (replace && refreshToken !== undefined) await tokens.storeRefreshToken(appId, refreshToken);
  await merchants.register({ merchantId, authorizerAppId: appId });
  if (moving) {
    lines.push(`moved ${merchantId} from ${previousAppId} to ${appId}`);
    lines.push(await forgetIfUnused(registry, previousAppId));
  } else {
    lines.push(`registered ${merchantId} → ${appId}`);
  }
  if (replacingToken) lines.push(`replaced the refresh token stored for ${appId}`);
  else if (refreshToken !== undefined) lines.push(token.same ? `the refresh token stored for ${appId} is unchanged` : `refresh token stored for ${appId}`);
  else if (token.stored) lines.push(`a refresh token is stored for ${appId}`);
  else lines.push(`no refresh token is stored for ${appId} yet: the event receiver stores it when the authorizer's authorized push arrives`);
  return lines.join('\n');
}

async function remove(registry: Registry, merchantId: string): Promise<string> {
  const appId = await registry.merchants.authorizerOf(merchantId);
  if (appId === undefined || !(await registry.merchants.remove(merchantId))) return `${merchantId} was not registered`;
  return `removed ${merchantId}\n${await forgetIfUnused(registry, appId)}`;
}

/** Deletes the authorizer's refresh token once no merchant uses it; says which happened. */
async function forgetIfUnused({ merchants, tokens }: Registry, appId: string): Promise<string> {
  const users = await merchants.merchantsOf(appId);
  if (users.length > 0) return `the refresh token for ${appId} stays: ${users.join(', ')} still use it`;
  const { stored } = await tokens.refreshTokenState(appId);
  if (!stored) return `no merchant uses ${appId} any more`;
  await tokens.forgetAuthorizer(appId);
  return `no merchant uses ${appId} any more, so its refresh token was deleted`;
}
