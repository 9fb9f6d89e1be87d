/**
 * How WeChat delivers a push to the platform's authorization event URL: it waits a few
 * seconds for an answer, and a push not answered `success` (another answer, no
 * connection, no answer in time) is sent again, a couple of times, a moment apart. Every
 * attempt's outcome is kept, so a test can see what the platform answered each time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PushAnswer } from './component-push.js';

/** One attempt: the platform's answer, or why there was none (no connection, no answer in time). */
export type PushAttempt = PushAnswer | { readonly error: string };

export interface PushDelivery {
  /** The event URL pushed to; undefined when WeChat knows none, and then nothing was pushed. */
  readonly url: string | undefined;
  /** True once an attempt was answered HTTP 200 `success`. */
  readonly delivered: boolean;
  readonly attempts: readonly PushAttempt[];
}

/** WeChat gives the platform 5 seconds to answer a push. */
const ANSWER_TIMEOUT_MS = 5_000;
/** The first attempt and two retries. */
export const PUSH_ATTEMPTS = 3;

const accepted = (attempt: PushAttempt) => 'status' in attempt && attempt.status === 200 && attempt.text === 'success';

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout…). */
function failureOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return cause?.code ? `${error.message} (${cause.code})` : `${error.name}: ${error.message}`;
}

/**
 * Sends the push until the platform accepts it or the attempts are spent, waiting
 * `retryDelayMs` between attempts; `stopped` (the simulator stopping) ends it at once.
 * Never rejects: a failure is in the delivery's attempts.
 */
export async function deliverPush(
  url: string,
  send: (signal: AbortSignal) => Promise<PushAnswer>,
  retryDelayMs: number,
  stopped: AbortSignal,
): Promise<PushDelivery> {
  const attempts: PushAttempt[] = [];
  while (attempts.length < PUSH_ATTEMPTS && !stopped.aborted) {
    if (attempts.length > 0) {
      try {
        await sleep(retryDelayMs, undefined, { signal: stopped });
      } catch {
        break;
      }
    }
    const signal = AbortSignal.any([stopped, AbortSignal.timeout(ANSWER_TIMEOUT_MS)]);
    const attempt = await Promise.resolve(signal).then(send).catch((error: unknown): PushAttempt => ({ error: failureOf(error) }));
    attempts.push(attempt);
    if (accepted(attempt)) return { url, delivered: true, attempts };
  }
  return { url, delivered: false, attempts };
}
