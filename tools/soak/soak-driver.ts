/**
 * Drives client operations through the gateway the way many clients at once would: a pool
 * of `concurrency` workers over keep-alive connections, each sending its next operation as
 * soon as the last one answered, every answer timed and checked.
 */
import { type Agent, request } from 'undici';
import type { ResponseCheck } from './response-check.js';
import type { SoakOperations } from './soak-operations.js';
import type { SoakTally } from './soak-tally.js';

/** Longer than any operation may take (the subgraph's own deadline is 10 s): a stuck gateway fails the run instead of hanging it. */
const OPERATION_TIMEOUT_MS = 30_000;

export interface DriveOptions {
  readonly gatewayUrl: string;
  readonly dispatcher: Agent;
  readonly phase: string;
  readonly count: number;
  readonly concurrency: number;
  readonly operations: SoakOperations;
  readonly check: ResponseCheck;
  readonly tally: SoakTally;
  /** Called every `tickEvery` operations (between operations, never during one's checks). */
  readonly onTick?: () => void;
  readonly tickEvery?: number;
}

export async function driveOperations(options: DriveOptions): Promise<void> {
  const { count, tickEvery = 250 } = options;
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      const index = issued;
      issued += 1;
      await runOne(options, index);
      if (index % tickEvery === tickEvery - 1) options.onTick?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
}

/** Sends one operation and checks its answer; one that gets no answer at all is a failure and is not counted as an operation. */
async function runOne(options: DriveOptions, index: number): Promise<void> {
  const operation = options.operations.next();
  const label = `${options.phase} #${index} ${operation.shape} ${JSON.stringify(operation.variables)}`;
  const started = performance.now();
  const startedAt = Date.now();
  let status: number;
  let text: string;
  try {
    const response = await request(options.gatewayUrl, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: operation.query, variables: operation.variables }),
      headersTimeout: OPERATION_TIMEOUT_MS,
      bodyTimeout: OPERATION_TIMEOUT_MS,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    return options.tally.fail(`${label}: the request failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  options.tally.countOperation(performance.now() - started);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return options.tally.fail(`${label}: HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  options.check.check(operation, status, body, label, startedAt);
}
