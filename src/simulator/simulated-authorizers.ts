/**
 * The merchants the simulated WeChat knows, keyed by appid: their environments, any fixed
 * access token, the refresh token the component must present for them, whether they
 * still authorize the component, and when they last authorized it. Refresh tokens and authorization live here, not on the
 * caller's objects, so controls like setRefreshToken never edit a test's fixtures.
 */
import { randomBytes } from 'node:crypto';

/** One cloud environment exactly as getenvinfo lists it (snake_case, China-time strings). */
export interface SimulatedEnvironment {
  env: string;
  alias: string;
  create_time: string;
  update_time: string;
  status: string;
  package_id: string;
  package_name: string;
}

export interface SimulatedAuthorizer {
  appId: string;
  /** A fixed access token that never expires or gets superseded (a token pasted into a file). */
  accessToken?: string;
  /** The authorizer_refresh_token with which the component mints access tokens for this authorizer. */
  refreshToken?: string;
  environments: SimulatedEnvironment[];
  /** Standing getenvinfo errcode for any valid token of this authorizer (61007, 85088, 42001, -1 ...). */
  errcode?: number;
  /** When it (last) authorized the component, epoch seconds, as api_get_authorizer_list lists it; default: when it was added. */
  authTime?: number;
  /** api_get_authorizer_list lists it with no refresh_token, as seen in the field: nothing to recover for it. */
  listedWithoutRefreshToken?: boolean;
}

/** One line of api_get_authorizer_list: an authorizer that authorizes the component, with its current refresh token (none for one listed without). */
export interface ListedAuthorizer {
  readonly appId: string;
  readonly refreshToken: string | undefined;
  /** Epoch seconds of its latest authorization. */
  readonly authTime: number;
}

const nowInSeconds = () => Math.floor(Date.now() / 1000);

export class SimulatedAuthorizers {
  readonly #byAppId = new Map<string, SimulatedAuthorizer>();
  readonly #appIdByFixedToken = new Map<string, string>();
  readonly #refreshTokenByAppId = new Map<string, string>();
  readonly #deauthorized = new Set<string>();
  /** Epoch seconds of each authorizer's latest authorization. */
  readonly #authTimeByAppId = new Map<string, number>();
  /** Authorization code → appid, until the code is exchanged once through api_query_auth. */
  readonly #codes = new Map<string, string>();

  constructor(authorizers: readonly SimulatedAuthorizer[] = []) {
    for (const authorizer of authorizers) this.add(authorizer);
  }

  /**
   * Adds the authorizer or replaces the one with its appid; a replaced authorizer counts as
   * authorized afresh. Fixed tokens are never superseded, so one the replaced authorizer held
   * keeps working and now answers as the replacement.
   */
  add(authorizer: SimulatedAuthorizer): void {
    this.#byAppId.set(authorizer.appId, authorizer);
    if (authorizer.accessToken !== undefined) this.#appIdByFixedToken.set(authorizer.accessToken, authorizer.appId);
    if (authorizer.refreshToken === undefined) this.#refreshTokenByAppId.delete(authorizer.appId);
    else this.#refreshTokenByAppId.set(authorizer.appId, authorizer.refreshToken);
    this.#deauthorized.delete(authorizer.appId);
    this.#authTimeByAppId.set(authorizer.appId, authorizer.authTime ?? nowInSeconds());
  }

  byAppId(appId: string): SimulatedAuthorizer | undefined {
    return this.#byAppId.get(appId);
  }

  byFixedToken(accessToken: string): SimulatedAuthorizer | undefined {
    const appId = this.#appIdByFixedToken.get(accessToken);
    return appId === undefined ? undefined : this.#byAppId.get(appId);
  }

  /** The authorizer, unless it is unknown or has withdrawn its authorization (both 61003 to the component). */
  authorizing(appId: string): SimulatedAuthorizer | undefined {
    return this.#deauthorized.has(appId) ? undefined : this.#byAppId.get(appId);
  }

  deauthorize(appId: string): void {
    this.#deauthorized.add(this.known(appId, 'deauthorize').appId);
  }

  /**
   * The merchant authorized the component (again): it authorizes from now on, gets a fresh
   * refresh token, and WeChat issues an authorization code for the platform to exchange.
   */
  authorize(appId: string): string {
    this.#deauthorized.delete(this.known(appId, 'authorize').appId);
    this.#authTimeByAppId.set(appId, nowInSeconds());
    this.rotateRefreshToken(appId);
    const code = `queryauthcode@@@${randomBytes(24).toString('base64url')}`;
    this.#codes.set(code, appId);
    return code;
  }

  /**
   * What api_get_authorizer_list lists: every authorizer that authorizes the component and
   * has a refresh token (shown only unless listedWithoutRefreshToken), in the order they were first added (stable across calls, so pages
   * never overlap or skip while nothing changes).
   */
  listed(): ListedAuthorizer[] {
    const listed: ListedAuthorizer[] = [];
    for (const appId of this.#byAppId.keys()) {
      const refreshToken = this.#refreshTokenByAppId.get(appId);
      if (this.#deauthorized.has(appId) || refreshToken === undefined) continue;
      const withoutRefreshToken = this.#byAppId.get(appId)?.listedWithoutRefreshToken === true;
      listed.push({ appId, refreshToken: withoutRefreshToken ? undefined : refreshToken, authTime: this.#authTimeByAppId.get(appId) ?? 0 });
    }
    return listed;
  }

  /** The appid an authorization code was issued for, consuming the code; undefined for an unknown or used code. */
  redeemAuthorizationCode(code: string): string | undefined {
    const appId = this.#codes.get(code);
    this.#codes.delete(code);
    return appId;
  }

  refreshTokenOf(appId: string): string | undefined {
    return this.#refreshTokenByAppId.get(appId);
  }

  setRefreshToken(appId: string, refreshToken: string): void {
    this.#refreshTokenByAppId.set(this.known(appId, 'setRefreshToken').appId, refreshToken);
  }

  /** Replaces the refresh token with a fresh random one, so the old one fails from now on; returns the new one. */
  rotateRefreshToken(appId: string): string {
    const refreshToken = `refreshtoken@@@${randomBytes(24).toString('base64url')}`;
    this.setRefreshToken(appId, refreshToken);
    return refreshToken;
  }

  /** The authorizer, or an error naming the control that was handed an appid the simulator never heard of. */
  known(appId: string, control: string): SimulatedAuthorizer {
    const authorizer = this.#byAppId.get(appId);
    if (!authorizer) {
      throw new Error(`${control}(${appId}): the simulator has no authorizer with that appid; add it with addAuthorizer or check the appid`);
    }
    return authorizer;
  }
}
