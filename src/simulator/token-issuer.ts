/**
 * The access tokens the simulated WeChat hands out, for the component and for each
 * authorizer: random and opaque, one current token per holder, each with its own expiry.
 *
 * Only current tokens are remembered. Issuing a new token forgets the last one at once
 * (WeChat promises no overlap), and a superseded or revoked token is then simply unknown,
 * which is exactly how WeChat answers both: 40001. A current token past its lifetime
 * answers 42001 instead, so clients can tell "refresh" from "refresh, you were too slow".
 */
import { randomBytes } from 'node:crypto';

export type TokenKind = 'component' | 'authorizer';

/** Whose token it is, or the errcode WeChat answers for it. */
export type TokenCheck = { appId: string } | { errcode: 40001 | 42001 };

interface IssuedToken {
  token: string;
  appId: string;
  /** Epoch milliseconds from which the token answers 42001. */
  expiresAt: number;
}

/** WeChat's own lifetime for both kinds of token. */
const defaultLifetimeSeconds = 7200;

export class TokenIssuer {
  readonly #lifetimeSeconds: number;
  readonly #currentByAppId: Record<TokenKind, Map<string, IssuedToken>> = { component: new Map(), authorizer: new Map() };
  readonly #currentByToken: Record<TokenKind, Map<string, IssuedToken>> = { component: new Map(), authorizer: new Map() };
  readonly #issuedByAppId: Record<TokenKind, Map<string, number>> = { component: new Map(), authorizer: new Map() };

  constructor(lifetimeSeconds: number = defaultLifetimeSeconds) {
    this.#lifetimeSeconds = validLifetime(lifetimeSeconds);
  }

  /** A fresh token for this holder, superseding its previous one; expiresIn is what the answer's expires_in says. */
  issue(kind: TokenKind, appId: string): { token: string; expiresIn: number } {
    this.revoke(kind, appId);
    const issued = {
      token: randomBytes(24).toString('base64url'),
      appId,
      expiresAt: Date.now() + this.#lifetimeSeconds * 1000,
    };
    this.#currentByAppId[kind].set(appId, issued);
    this.#currentByToken[kind].set(issued.token, issued);
    this.#issuedByAppId[kind].set(appId, (this.#issuedByAppId[kind].get(appId) ?? 0) + 1);
    return { token: issued.token, expiresIn: this.#lifetimeSeconds };
  }

  check(kind: TokenKind, token: string): TokenCheck {
    const issued = this.#currentByToken[kind].get(token);
    if (!issued) return { errcode: 40001 };
    if (Date.now() >= issued.expiresAt) return { errcode: 42001 };
    return { appId: issued.appId };
  }

  /** The holder's current token stops working (40001), as when WeChat invalidates it mid-run. */
  revoke(kind: TokenKind, appId: string): void {
    const issued = this.#currentByAppId[kind].get(appId);
    if (!issued) return;
    this.#currentByAppId[kind].delete(appId);
    this.#currentByToken[kind].delete(issued.token);
  }

  /** The current token of every holder of this kind lapses now (42001), without waiting out its lifetime. */
  expireAll(kind: TokenKind): void {
    for (const issued of this.#currentByAppId[kind].values()) issued.expiresAt = 0;
  }

  /** How many tokens of this kind were issued, to one holder or to all. */
  issuedCount(kind: TokenKind, appId?: string): number {
    const counts = this.#issuedByAppId[kind];
    if (appId !== undefined) return counts.get(appId) ?? 0;
    let total = 0;
    for (const count of counts.values()) total += count;
    return total;
  }
}

function validLifetime(seconds: number): number {
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new RangeError(
      `tokenLifetimeSeconds must be a positive number of seconds (got ${seconds}); omit it for WeChat's ${defaultLifetimeSeconds}`,
    );
  }
  return seconds;
}
