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

/** The JSON log lines written under one request id (a response's `x-request-id`). */
export function linesOfRequest(logs: CapturedLogger, requestId: string | null): Array<Record<string, any>> {
  if (requestId === null) throw new Error('the response carries no x-request-id');
  return logs.lines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry['requestId'] === requestId);
}

/** The log line of the field error a request met for `merchantId`: the one saying what the client was not told. */
export function fieldErrorLine(logs: CapturedLogger, requestId: string | null, merchantId: string): Record<string, any> {
  const line = linesOfRequest(logs, requestId).find((entry) => entry['merchantId'] === merchantId && typeof entry['code'] === 'string');
  if (!line) throw new Error(`no field error line for ${merchantId} under request ${requestId}:\n${logs.lines.join('\n')}`);
  return line;
}
