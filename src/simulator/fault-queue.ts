/**
 * Injected faults, queued under a key (an access token, or an endpoint path) and consumed
 * in order by the requests that match it. A fault with uses left stays at the head, so an
 * unlimited fault blocks those behind it.
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
}

export class FaultQueue {
  readonly #byKey = new Map<string, QueuedFault[]>();

  add(key: string, fault: SimulatedFault, times = Number.POSITIVE_INFINITY): void {
    if (!(times >= 1)) {
      throw new RangeError(`a fault's times must be at least 1 (got ${times}); omit it for a fault that never wears off`);
    }
    const queue = this.#byKey.get(key) ?? [];
    queue.push({ fault, usesLeft: times });
    this.#byKey.set(key, queue);
  }

  /** The fault the next request under this key meets, using it up once; undefined when none. */
  take(key: string): SimulatedFault | undefined {
    const queue = this.#byKey.get(key);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.usesLeft -= 1;
    if (head.usesLeft <= 0) queue.shift();
    if (queue.length === 0) this.#byKey.delete(key);
    return head.fault;
  }

  clear(): void {
    this.#byKey.clear();
  }
}
