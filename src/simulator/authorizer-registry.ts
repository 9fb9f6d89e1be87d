/**
 * The merchants the simulated WeChat knows: authorizers keyed by their access token,
 * since a getenvinfo call identifies its merchant by nothing else.
 */

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
  accessToken: string;
  environments: SimulatedEnvironment[];
  /** When set, every getenvinfo call with this token answers this errcode (a standing merchant state, e.g. 61007, 85088, 42001, -1). */
  errcode?: number;
}

export class AuthorizerRegistry {
  readonly #byAccessToken = new Map<string, SimulatedAuthorizer>();

  constructor(authorizers: readonly SimulatedAuthorizer[] = []) {
    for (const authorizer of authorizers) this.add(authorizer);
  }

  /** Adds the authorizer, replacing any earlier one holding the same access token. */
  add(authorizer: SimulatedAuthorizer): void {
    this.#byAccessToken.set(authorizer.accessToken, authorizer);
  }

  byAccessToken(accessToken: string): SimulatedAuthorizer | undefined {
    return this.#byAccessToken.get(accessToken);
  }
}
