/**
 * Reads GET /readyz as an orchestrator and an operator do: the status code, and the body's
 * phase and degraded dependencies. The dependencies are checked in the background, so a
 * change shows at the next check: `readinessWhen` asks until the body says what a test
 * waits for (tests set DEPENDENCY_CHECK_INTERVAL_MS low to keep that short).
 */
export interface Degradation {
  readonly check: 'store' | 'platform' | 'jwks' | 'ticket';
  readonly reason: string;
  readonly since: string;
}

export interface Readiness {
  readonly status: number;
  readonly body: { readonly status: 'starting' | 'ready' | 'draining'; readonly degraded: readonly Degradation[] };
}

/** `url`: any URL of the GraphQL listener (its /graphql URL will do). */
export async function readiness(url: string): Promise<Readiness> {
  const response = await fetch(new URL('/readyz', url));
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

/** The reason `check` is degraded, or undefined when it is not. */
export const degradedReason = (answer: Readiness, check: Degradation['check']) => answer.body.degraded.find((entry) => entry.check === check)?.reason;

/** Asks /readyz until `until` holds; rejects with the last answer after `timeoutMs`. */
export async function readinessWhen(url: string, until: (answer: Readiness) => boolean, timeoutMs = 10_000): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await readiness(url);
    if (until(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`/readyz never answered as expected; last: ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
