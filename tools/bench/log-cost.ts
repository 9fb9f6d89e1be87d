/**
 * What logging costs an operation: the per-request child logger the HTTP framework makes
 * (bound to the request id) and the one `operation` line written at LOG_LEVEL=info, for
 * this subgraph's logger (with its scrubbing) at info and at warn, at info again once the
 * configured secrets a production process holds are registered (each string is searched
 * for their values too), and for a bare pino logger with no redaction as the reference.
 * Lines go to /dev/null.
 *
 *   npm run bench -- --log-cost
 */
import { pino, type Logger } from 'pino';
import { createLogger } from '../../src/logger.js';
import { registerSecretValues } from '../../src/observability/scrub-secrets.js';
import { median } from './measure-workload.js';

const OPERATIONS_PER_ROUND = 50_000;
const ROUNDS = 5;

/** Median CPU µs per operation over ROUNDS rounds. */
function cpuMicrosecondsPerOperation(logger: Logger): number {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.cpuUsage();
    for (let index = 0; index < OPERATIONS_PER_ROUND; index += 1) {
      const requestLogger = logger.child({ requestId: `0b6f8a52-6c1e-4a57-9d9b-${String(index).padStart(12, '0')}` });
      requestLogger.info(
        { operationName: 'MerchantCloudEnvironments', durationMs: 31, merchants: 1, upstreamCalls: 1, errorCodes: [], outcome: 'ok' },
        'operation',
      );
    }
    const { user, system } = process.cpuUsage(started);
    rounds.push((user + system) / OPERATIONS_PER_ROUND);
  }
  return median(rounds);
}

/** As many configured secrets as a production process may hold (component secret, message token, AES key, router and platform secrets, a Redis password). */
const CONFIGURED_SECRETS = ['component-secret-0f3a9c2e7b', 'message-token-5d1e', 'aes-key-'.padEnd(43, 'k'), 'router-secret-77aa', 'platform-secret-19bc', 'redis-password-3e'];

export function measureLogCost(): string {
  const destination = () => pino.destination({ dest: '/dev/null', sync: false });
  const rows: Array<[string, () => Logger]> = [
    ['this subgraph, LOG_LEVEL=info', () => createLogger({ level: 'info', destination: destination() })],
    ['this subgraph, LOG_LEVEL=warn', () => createLogger({ level: 'warn', destination: destination() })],
    ['bare pino (no redaction), info', () => pino({ level: 'info' }, destination())],
    [
      `info, ${CONFIGURED_SECRETS.length} configured secrets`,
      () => {
        // Process-wide from here on: measured last.
        registerSecretValues(CONFIGURED_SECRETS);
        return createLogger({ level: 'info', destination: destination() });
      },
    ],
  ];
  const lines = rows.map(([label, logger]) => `  ${label.padEnd(32)} ${cpuMicrosecondsPerOperation(logger()).toFixed(1).padStart(5)} µs`);
  return [`logging per operation (a per-request child logger and one operation line; median of ${ROUNDS} × ${OPERATIONS_PER_ROUND}, CPU):`, ...lines].join('\n');
}
