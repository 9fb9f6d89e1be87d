/**
 * Which WeChat errcodes are worth asking again, and how often. Everything else is
 * answered at once: retrying a quota or permission error only burns quota.
 */
const RETRIES_BY_ERRCODE: ReadonlyMap<number, number> = new Map([
  [-1, 2], // system busy: back off and ask again
  [-1000, 1], // system error: one more try
]);

export function retriesFor(errcode: number): number {
  return RETRIES_BY_ERRCODE.get(errcode) ?? 0;
}

const TOKEN_REJECTIONS: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat refused the access token itself: a fresh token may succeed where this one failed. */
export function isTokenRejection(errcode: number): boolean {
  return TOKEN_REJECTIONS.has(errcode);
}
