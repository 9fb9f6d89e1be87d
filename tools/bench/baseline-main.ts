/**
 * Runs baseline (b) in its own process, configured like the real subgraph: PORT, HOST,
 * WECHAT_API_BASE_URL, AUTHORIZERS_FILE (fixed access tokens only) and
 * WECHAT_MAX_CONNECTIONS; BASELINE_CACHE_CONTROL=off runs it without Apollo Server's
 * cache-control plugin (baseline (b′)), BASELINE_BATCHING=off without its DataLoader
 * (baseline (a): one WeChat call per field). Prints `baseline subgraph ready at <url>`; stops on SIGTERM.
 */
import { readAuthorizersFile } from '../../src/authorizers/authorizers-file.js';
import { type BaselineAuthorizer, startBaselineSubgraph } from './baseline-subgraph.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`baseline subgraph: set ${name} (PORT, WECHAT_API_BASE_URL and AUTHORIZERS_FILE are required)\n`);
    process.exit(1);
  }
  return value;
}

const file = required('AUTHORIZERS_FILE');
const authorizers = new Map<string, BaselineAuthorizer>();
for (const entry of await readAuthorizersFile(file)) {
  if (entry.authorizerAccessToken === undefined) {
    process.stderr.write(`baseline subgraph: ${file} gives merchant ${entry.merchantId} a refresh token; the baseline takes fixed access tokens only (authorizerAccessToken)\n`);
    process.exit(1);
  }
  authorizers.set(entry.merchantId, { appId: entry.authorizerAppId, accessToken: entry.authorizerAccessToken });
}

const baseline = await startBaselineSubgraph({
  port: Number(required('PORT')),
  host: process.env['HOST'] ?? '127.0.0.1',
  wechatBaseUrl: required('WECHAT_API_BASE_URL').replace(/\/$/, ''),
  authorizers,
  upstreamConnections: Number(process.env['WECHAT_MAX_CONNECTIONS'] ?? 64),
  cacheControlPlugin: process.env['BASELINE_CACHE_CONTROL'] !== 'off',
  batching: process.env['BASELINE_BATCHING'] !== 'off',
});
process.stdout.write(`baseline subgraph ready at ${baseline.url}\n`);
process.once('SIGTERM', () => void baseline.close().then(() => process.exit(0)));
process.once('SIGINT', () => void baseline.close().then(() => process.exit(0)));
