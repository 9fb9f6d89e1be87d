/**
 * The simulated WeChat's side of the platform's authorization event URL: it pushes the
 * component_verify_ticket (on start and on an interval, as WeChat does every 10 minutes)
 * and tells the platform when a merchant authorizes or revokes.
 */
import type { SimulatedAuthorizers } from './simulated-authorizers.js';
import type { ComponentAccount } from './component-account.js';
import { type PushAnswer, type PushTarget, pushComponentEvent } from './component-push.js';

export class ComponentPushes {
  #ticketPushes: NodeJS.Timeout | undefined;

  constructor(
    private readonly component: ComponentAccount,
    private readonly authorizers: SimulatedAuthorizers,
  ) {}

  /** Pushes the current component_verify_ticket to the platform. */
  pushVerifyTicket(target: PushTarget): Promise<PushAnswer> {
    const { appId, ticket } = this.#component('pushVerifyTicket');
    return pushComponentEvent(target, appId, { InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });
  }

  /**
   * The merchant authorized (`authorized`, `updateauthorized`: a new authorization code is
   * issued and pushed) or revoked (`unauthorized`: the simulator deauthorizes it too), and
   * WeChat tells the platform.
   */
  pushAuthorizationEvent(target: PushTarget, infoType: 'authorized' | 'updateauthorized' | 'unauthorized', authorizerAppId: string): Promise<PushAnswer> {
    const { appId } = this.#component('pushAuthorizationEvent');
    if (infoType === 'unauthorized') {
      this.authorizers.deauthorize(authorizerAppId);
      return pushComponentEvent(target, appId, { InfoType: infoType, AuthorizerAppid: authorizerAppId });
    }
    const code = this.authorizers.authorize(authorizerAppId);
    const expires = String(Math.floor(Date.now() / 1000) + 3600);
    return pushComponentEvent(target, appId, { InfoType: infoType, AuthorizerAppid: authorizerAppId, AuthorizationCode: code, AuthorizationCodeExpiredTime: expires });
  }

  /**
   * Pushes the ticket now and then every `intervalMs` until stopTicketPushes() (or the
   * simulator stops); resolves with the first push's answer. A failed push is retried at the
   * next interval, as WeChat does.
   */
  startTicketPushes(target: PushTarget, intervalMs: number): Promise<PushAnswer> {
    this.stopTicketPushes();
    this.#ticketPushes = setInterval(() => void this.pushVerifyTicket(target).catch(() => undefined), intervalMs);
    this.#ticketPushes.unref();
    return this.pushVerifyTicket(target);
  }

  stopTicketPushes(): void {
    clearInterval(this.#ticketPushes);
    this.#ticketPushes = undefined;
  }

  #component(control: string): { appId: string; ticket: string } {
    const { appId, verifyTicket } = this.component;
    if (appId === undefined || verifyTicket === undefined) {
      throw new Error(`${control}: the simulator has no component; pass options.component to new WechatSimulator()`);
    }
    return { appId, ticket: verifyTicket };
  }
}
