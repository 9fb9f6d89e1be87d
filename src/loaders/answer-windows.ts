/**
 * How an answer's age is judged: how long it is fresh (for each authorizer a little less
 * than the TTL), and how long it is kept at all (fresh, then the longer stale window).
 */

/** CLOUDENV_CACHE_TTL_MS and the two stale windows, which count from when an answer stops being fresh. */
export interface AnswerWindows {
  readonly ttlMs: number;
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
}

/** How long an answer is kept at all: fresh, then the longer of the stale windows. */
export function keptLifeMs(windows: AnswerWindows): number {
  const revalidating = windows.ttlMs > 0 ? windows.staleWhileRevalidateMs : 0;
  return windows.ttlMs + Math.max(revalidating, windows.staleIfErrorMs);
}

/**
 * How long an authorizer's answers are fresh: the TTL less up to a fifth of it, fixed per
 * authorizer (a hash of its appid). The answers one operation read together then go stale
 * at different moments, so later operations refresh a few each instead of one operation
 * setting off a refresh of all of them at once.
 */
export function freshMsOf(authorizerAppId: string, ttlMs: number): number {
  let hash = 2166136261;
  for (let index = 0; index < authorizerAppId.length; index += 1) hash = Math.imul(hash ^ authorizerAppId.charCodeAt(index), 16777619);
  return ttlMs - ((hash >>> 0) % 1000) * (ttlMs / 5000);
}
