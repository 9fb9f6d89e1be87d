/**
 * The open-platform endpoints the platform calls for itself: the component (third-party
 * platform) token from its credentials and verify ticket, an authorizer's access token
 * from its refresh token, and what recovers lost state: asking WeChat to push the ticket
 * again, and the list of authorizers with their refresh tokens. Plain calls; caching,
 * single-flight, sharing and recovery live in the token layer.
 */
import { type AuthorizerList, readAuthorizerList } from './authorizer-list.js';
import { WechatTransportError } from './errors.js';
import type { CallOptions, WechatClient } from './wechat-client.js';

export const COMPONENT_TOKEN_PATH = '/cgi-bin/component/api_component_token';
export const AUTHORIZER_TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';
export const QUERY_AUTH_PATH = '/cgi-bin/component/api_query_auth';
export const START_PUSH_TICKET_PATH = '/cgi-bin/component/api_start_push_ticket';
export const AUTHORIZER_LIST_PATH = '/cgi-bin/component/api_get_authorizer_list';

/** The most accounts one api_get_authorizer_list page may ask for (WeChat answers 40170 above it). */
export const MAX_AUTHORIZER_LIST_COUNT = 500;

/**
 * Every mint invalidates the previous token, and may rotate the refresh token: a lost answer
 * is not asked for again. `deadline` (epoch ms): the call ends by then, retries included
 * (the token layer gives each call the deadline of the lock it runs under).
 */
const notIdempotent = (deadline: number | undefined): CallOptions => ({ idempotent: false, ...(deadline === undefined ? {} : { deadline }) });
const within = (deadline: number | undefined): CallOptions => (deadline === undefined ? {} : { deadline });

export interface ComponentCredentials {
  readonly appId: string;
  readonly appSecret: string;
}

export interface MintedToken {
  readonly token: string;
  readonly expiresInSeconds: number;
}

export interface MintedAuthorizerToken extends MintedToken {
  /** The refresh token WeChat returned: persist it, it may differ from the one sent. */
  readonly refreshToken: string;
}

/** What api_query_auth hands back for an authorization code: the authorizer's first tokens. */
export interface Authorization extends MintedAuthorizerToken {
  readonly authorizerAppId: string;
}

function field(body: Record<string, unknown>, path: string, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new WechatTransportError(path, 'invalid-body', `answer has no ${name}`);
  return value;
}

function expiresIn(body: Record<string, unknown>, path: string): number {
  const value = body['expires_in'];
  if (typeof value !== 'number' || !(value > 0)) throw new WechatTransportError(path, 'invalid-body', 'answer has no positive expires_in');
  return value;
}

export class ComponentApi {
  constructor(
    private readonly client: Pick<WechatClient, 'post'>,
    private readonly credentials: ComponentCredentials,
  ) {}

  get componentAppId(): string {
    return this.credentials.appId;
  }

  async componentAccessToken(verifyTicket: string, deadline?: number): Promise<MintedToken> {
    const body = await this.client.post(
      COMPONENT_TOKEN_PATH,
      {},
      { component_appid: this.credentials.appId, component_appsecret: this.credentials.appSecret, component_verify_ticket: verifyTicket },
      notIdempotent(deadline),
    );
    return { token: field(body, COMPONENT_TOKEN_PATH, 'component_access_token'), expiresInSeconds: expiresIn(body, COMPONENT_TOKEN_PATH) };
  }

  async authorizerAccessToken(componentAccessToken: string, authorizerAppId: string, refreshToken: string, deadline?: number): Promise<MintedAuthorizerToken> {
    const body = await this.client.post(
      AUTHORIZER_TOKEN_PATH,
      { component_access_token: componentAccessToken },
      { component_appid: this.credentials.appId, authorizer_appid: authorizerAppId, authorizer_refresh_token: refreshToken },
      notIdempotent(deadline),
    );
    return {
      token: field(body, AUTHORIZER_TOKEN_PATH, 'authorizer_access_token'),
      expiresInSeconds: expiresIn(body, AUTHORIZER_TOKEN_PATH),
      refreshToken: field(body, AUTHORIZER_TOKEN_PATH, 'authorizer_refresh_token'),
    };
  }

  /**
   * Asks WeChat to resume pushing component_verify_ticket to our authorization event URL
   * (there is no API to pull one). Needs no token; asking again is harmless, so transport
   * failures are retried like any idempotent call. The ticket arrives later, as a push.
   */
  async startPushTicket(deadline?: number): Promise<void> {
    await this.client.post(START_PUSH_TICKET_PATH, {}, { component_appid: this.credentials.appId, component_secret: this.credentials.appSecret }, within(deadline));
  }

  /**
   * One page of the accounts that authorize our platform, with their current refresh
   * tokens: `count` (1 to 500) of them from `offset` (0 for the first page). A read, so
   * retried on transport failures.
   */
  async authorizerList(componentAccessToken: string, offset: number, count: number, deadline?: number): Promise<AuthorizerList> {
    const problems = [
      ...(Number.isSafeInteger(offset) && offset >= 0 ? [] : [`offset must be a whole number of at least 0 (got ${offset})`]),
      ...(Number.isSafeInteger(count) && count >= 1 && count <= MAX_AUTHORIZER_LIST_COUNT ? [] : [`count must be a whole number from 1 to ${MAX_AUTHORIZER_LIST_COUNT} (got ${count})`]),
    ];
    if (problems.length > 0) throw new RangeError(`authorizerList: ${problems.join('; ')}`);
    const body = await this.client.post(
      AUTHORIZER_LIST_PATH,
      { component_access_token: componentAccessToken },
      { component_appid: this.credentials.appId, offset, count },
      within(deadline),
    );
    return readAuthorizerList(body, AUTHORIZER_LIST_PATH);
  }

  /** Trades an authorization code (from an `authorized` push) for the authorizer's tokens; a code works once. */
  async queryAuth(componentAccessToken: string, authorizationCode: string, deadline?: number): Promise<Authorization> {
    const body = await this.client.post(
      QUERY_AUTH_PATH,
      { component_access_token: componentAccessToken },
      { component_appid: this.credentials.appId, authorization_code: authorizationCode },
      notIdempotent(deadline),
    );
    const info = body['authorization_info'];
    if (typeof info !== 'object' || info === null) throw new WechatTransportError(QUERY_AUTH_PATH, 'invalid-body', 'answer has no authorization_info');
    const authorization = info as Record<string, unknown>;
    return {
      authorizerAppId: field(authorization, QUERY_AUTH_PATH, 'authorizer_appid'),
      token: field(authorization, QUERY_AUTH_PATH, 'authorizer_access_token'),
      expiresInSeconds: expiresIn(authorization, QUERY_AUTH_PATH),
      refreshToken: field(authorization, QUERY_AUTH_PATH, 'authorizer_refresh_token'),
    };
  }
}
