/** The subgraph's real logger, writing JSON lines the test can read back (to look for leaked secrets). */
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';
import { captureOutput } from './suite-capture.js';

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: string[];
}

export function captureLogs(level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const written = String(chunk).split('\n').filter(Boolean);
      lines.push(...written);
      captureOutput(...written);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
