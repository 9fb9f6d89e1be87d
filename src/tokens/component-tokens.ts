/**
 * The component access token: minted from the platform's credentials and the stored
 * component_verify_ticket, cached and shared like every token, healed when WeChat rejects
 * it. A ticket that is missing, too old or refused tells the ticket keeper, which asks
 * WeChat to push a new one (ticket-keeper.ts).
 */
import type { ComponentApi } from '../wechat/component-api.js';
import { WechatApiError } from '../wechat/errors.js';
import { isTicketRefusal } from '../wechat/retry-policy.js';
import type { SharedTokenCache } from './shared-token-cache.js';
import { withHealedToken } from './token-healing.js';
import type { TokenRecords } from './token-records.js';
import { TokenSourceError } from './token-source-error.js';

/** What the ticket keeper wants to hear from the token flow. */
export interface TicketWatcher {
  /** A ticket was needed and none usable is stored. */
  ticketMissing(): void;
  /** WeChat refused the stored ticket (61005 expired, 61006 invalid). */
  ticketRefused(): void;
}

export interface ComponentTokensOptions {
  readonly records: TokenRecords;
  readonly cache: SharedTokenCache;
  /** Undefined when no component credentials are configured: only fixed tokens work. */
  readonly componentApi: ComponentApi | undefined;
  /** WECHAT_COMPONENT_VERIFY_TICKET, used while the store holds no ticket (development). */
  readonly fallbackTicket: string | undefined;
  /** A ticket older than this is not used (WeChat's last 12 hours). */
  readonly ticketExpiresAfterMs: number;
  readonly ticketWatcher?: TicketWatcher;
}

export class ComponentTokens {
  constructor(private readonly options: ComponentTokensOptions) {}

  /** The component API, or the error saying which variables it needs. */
  get api(): ComponentApi {
    if (!this.options.componentApi) {
      throw new TokenSourceError(
        'component-not-configured',
        'This authorizer needs minted access tokens, but WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET are not set.',
      );
    }
    return this.options.componentApi;
  }

  /** Runs `call` with the component token, healed the same way as authorizer tokens; `deadline`: that of the mint it runs in. */
  withComponentToken<T>(call: (componentToken: string) => Promise<T>, deadline?: number): Promise<T> {
    const { cache, records } = this.options;
    const key = records.componentTokenKey;
    return withHealedToken(
      {
        get: () => cache.get(key, (mintDeadline) => this.mint(mintDeadline), deadline),
        invalidate: (token, rejection) => cache.invalidate(key, token, rejection).then(() => undefined),
      },
      call,
    );
  }

  private async mint(deadline: number) {
    const api = this.api;
    const ticket = await this.verifyTicket();
    try {
      return await api.componentAccessToken(ticket, deadline);
    } catch (error) {
      if (error instanceof WechatApiError && isTicketRefusal(error.errcode)) this.options.ticketWatcher?.ticketRefused();
      throw error;
    }
  }

  private async verifyTicket(): Promise<string> {
    const { records, fallbackTicket, ticketExpiresAfterMs, ticketWatcher } = this.options;
    const stored = await records.ticket();
    const usable = stored && (stored.receivedAt === undefined || Date.now() - stored.receivedAt < ticketExpiresAfterMs) ? stored.ticket : undefined;
    const ticket = usable ?? fallbackTicket;
    if (ticket === undefined) {
      ticketWatcher?.ticketMissing();
      const what = stored ? 'The stored component_verify_ticket is older than 12 hours' : 'No component_verify_ticket has been received yet';
      const remedy = ticketWatcher
        ? 'WeChat pushes one every 10 minutes to the event receiver, and is being asked to push one now (api_start_push_ticket)'
        : 'the ticket receiver stores it (WeChat pushes one every 10 minutes), or set WECHAT_COMPONENT_VERIFY_TICKET for development';
      throw new TokenSourceError('ticket-missing', `${what}; ${remedy}.`);
    }
    return ticket;
  }
}
