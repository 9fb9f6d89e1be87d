/**
 * `npm run authorizers -- add|list|remove …`: registers merchants in the configured store
 * (the subgraph's Redis and WECHAT_REDIS_PREFIX) so operators never hand-edit Redis. The
 * logic lives in authorizers-command.ts; this is only the process around it.
 */
import { runAuthorizersCommand } from './authorizers-command.js';

process.exitCode = await runAuthorizersCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
