/**
 * Injected faults, queued under a key (an access token, or an endpoint path) and consumed
 * in order by the requests that match it. A fault with uses left stays at the head, so an
 * unlimited fault blocks those behind it. A fault given `every: n` strikes the first of
 * every n matching requests and lets the others through (a flaky authorizer whose retry
 * succeeds); only strikes use it up.
 */

export type SimulatedFault =
  /** Answer this errcode (HTTP 200, errmsg with rid). */
  | { kind: 'errcode'; errcode: number }
  /** Answer normally, after ms. */
  | { kind: 'delay'; ms: number }
  /** Never answer, until stop() closes the socket. */
  | { kind: 'hang' }
  /** A gateway-style answer, e.g. 502 with an HTML page. */
  | { kind: 'http'; status: number; body: string; contentType?: string }
  /** HTTP 200 whose JSON is cut off in the middle. */
  | { kind: 'truncated' }
  /** Destroy the socket (TCP reset) without answering. */
  | { kind: 'reset' };

interface QueuedFault {
  fault: SimulatedFault;
  usesLeft: number;
  every: number;
  /** Matching requests seen so far. */
  seen: number;
}

export class FaultQueue {
  readonly #byKey = new Map<string, QueuedFault[]>();

  add(key: string, fault: SimulatedFault, times = Number.POSITIVE_INFINITY, every = 1): void {
    if (!(times >= 1)) {
      throw new RangeError(`a fault's times must be at least 1 (got ${times}); omit it for a fault that never wears off`);
    }
    if (!Number.isInteger(every) || every < 1) {
      throw new RangeError(`a fault's every must be a whole number of at least 1 (got ${every}); 2 strikes every other request`);
    }
    const queue = this.#byKey.get(key) ?? [];
    queue.push({ fault, usesLeft: times, every, seen: 0 });
    this.#byKey.set(key, queue);
  }

  /** The fault the next request under this key meets, using it up once; undefined when none. */
  take(key: string): SimulatedFault | undefined {
    const queue = this.#byKey.get(key);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.seen += 1;
    if ((head.seen - 1) % head.every !== 0) return undefined;
    head.usesLeft -= 1;
    if (head.usesLeft <= 0) queue.shift();
    if (queue.length === 0) this.#byKey.delete(key);
    return head.fault;
  }

  clear(): void {
    this.#byKey.clear();
  }
}
