/**
 * `npm run authorizers -- add|list|remove …`: registers merchants in the configured
 * store (REDIS_URL, WECHAT_REDIS_PREFIX) so operators never hand-edit Redis. Tokens are
 * never printed; pass a refresh token as `-` to read it from stdin, out of shell history.
 */
import { parseArgs } from 'node:util';
import { AuthorizerRegistry } from '../authorizers/authorizer-registry.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { RedisStore } from '../store/redis-store.js';
import { StoreKeys } from '../store/store-keys.js';

const USAGE = `usage:
  npm run authorizers -- add <merchantId> <authorizerAppId> --refresh-token <token | ->
  npm run authorizers -- list
  npm run authorizers -- remove <merchantId>
Uses REDIS_URL and WECHAT_REDIS_PREFIX, like the subgraph.`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { 'refresh-token': { type: 'string' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parse(argv);
  const [command, ...rest] = positionals;
  if (command !== 'add' && command !== 'list' && command !== 'remove') throw new UsageError(USAGE);
  const config = loadConfig();
  if (!config.store.redisUrl) {
    throw new UsageError('REDIS_URL is not set: without Redis each subgraph process keeps its registry in memory, loaded from AUTHORIZERS_FILE; edit that file instead.');
  }
  const logger = createLogger({ level: 'warn' });
  const store = await RedisStore.connect({ url: config.store.redisUrl, logger });
  const registry = new AuthorizerRegistry(store, new StoreKeys(config.store.prefix));
  try {
    switch (command) {
      case 'add': {
        const [merchantId, authorizerAppId] = rest;
        if (!merchantId || !authorizerAppId || values['refresh-token'] === undefined) throw new UsageError(USAGE);
        if (!/^wx[0-9a-f]{16}$/.test(authorizerAppId)) throw new UsageError(`authorizerAppId "${authorizerAppId}" must be "wx" followed by 16 lowercase hex digits`);
        const refreshToken = values['refresh-token'] === '-' ? await readStdin() : values['refresh-token'];
        if (!/^[\x21-\x7e]+$/.test(refreshToken)) throw new UsageError('the refresh token must be printable ASCII without spaces');
        await registry.register({ merchantId, authorizerAppId }, refreshToken);
        return `registered ${merchantId} → ${authorizerAppId} (refresh token stored)`;
      }
      case 'list': {
        const merchants = await registry.list();
        if (merchants.length === 0) return 'no merchants registered';
        return merchants
          .map(({ merchantId, authorizerAppId, hasRefreshToken }) => `${merchantId}\t${authorizerAppId}\t${hasRefreshToken ? 'refresh token stored' : 'NO refresh token'}`)
          .join('\n');
      }
      case 'remove': {
        const [merchantId] = rest;
        if (!merchantId) throw new UsageError(USAGE);
        return (await registry.remove(merchantId)) ? `removed ${merchantId}` : `${merchantId} was not registered`;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await store.close();
  }
}

try {
  console.log(await run(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof UsageError ? error.message : `authorizers: ${(error as Error).message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
