/**
 * The simulated WeChat's side of the platform's authorization event URL: it pushes the
 * component_verify_ticket (on start and on an interval, as WeChat does every 10 minutes,
 * and once more whenever api_start_push_ticket asks it to resume) and tells the platform
 * when a merchant authorizes or revokes.
 *
 * The event URL is configuration at WeChat (the open-platform console), so it is set
 * here, by setEventTarget or startTicketPushes; without one, WeChat has nowhere to push.
 * The ticket pushes WeChat makes on its own are delivered with retries (push-delivery.ts)
 * and recorded: ticketPushes lists them, nextTicketPush() awaits the next one.
 */
import type { SimulatedAuthorizers } from './simulated-authorizers.js';
import type { ComponentAccount } from './component-account.js';
import { type PushAnswer, type PushTarget, pushComponentEvent } from './component-push.js';
import { type PushDelivery, deliverPush } from './push-delivery.js';

export class ComponentPushes {
  #ticketPushes: NodeJS.Timeout | undefined;
  #eventTarget: PushTarget | undefined;
  readonly #deliveries: PushDelivery[] = [];
  #waiting: Array<(delivery: PushDelivery) => void> = [];
  /** Aborted by stop(): deliveries under way give up, waiting retries end. */
  #stopped = new AbortController();

  constructor(
    private readonly component: ComponentAccount,
    private readonly authorizers: SimulatedAuthorizers,
    /** Milliseconds between a failed ticket push and its retry. */
    private readonly retryDelayMs: number,
  ) {}

  /** The authorization event URL (with the message token and AES key) WeChat pushes to from now on; undefined: none. */
  setEventTarget(target: PushTarget | undefined): void {
    this.#eventTarget = target;
  }

  get eventTarget(): PushTarget | undefined {
    return this.#eventTarget;
  }

  /** Every ticket push WeChat made on its own (interval, start, resume), in the order they finished. */
  get ticketPushes(): readonly PushDelivery[] {
    return this.#deliveries;
  }

  /** The outcome of the next ticket push WeChat makes on its own, retries included; ask before the call that causes it. */
  nextTicketPush(): Promise<PushDelivery> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Pushes the current component_verify_ticket to `target`, once: a test's own push, not recorded. */
  pushVerifyTicket(target: PushTarget, options: { signal?: AbortSignal } = {}): Promise<PushAnswer> {
    const { appId, ticket } = this.#component('pushVerifyTicket');
    return pushComponentEvent(target, appId, { InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket }, options);
  }

  /** api_start_push_ticket answered ok: WeChat pushes the ticket to the event URL (if it knows one), asynchronously. */
  resumeTicketPushes(): void {
    void this.#deliverTicket();
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
   * Makes `target` the event URL, as the platform's operator enters it in WeChat's console,
   * and pushes the ticket there every `intervalMs` from then on (WeChat: every 10 minutes)
   * until stopTicketPushes() (or the simulator stops); the first push comes after one
   * interval, or at once when the platform asks for it (api_start_push_ticket).
   */
  registerEventUrl(target: PushTarget, intervalMs: number): void {
    this.#component('registerEventUrl');
    this.stopTicketPushes();
    this.setEventTarget(target);
    this.#ticketPushes = setInterval(() => void this.#deliverTicket(), intervalMs);
    this.#ticketPushes.unref();
  }

  /**
   * Makes `target` the event URL, pushes the ticket there now and then every `intervalMs`
   * until stopTicketPushes() (or the simulator stops), each push retried as WeChat retries;
   * resolves with the first push's last answer, and rejects when it had none (no connection).
   */
  async startTicketPushes(target: PushTarget, intervalMs: number): Promise<PushAnswer> {
    this.registerEventUrl(target, intervalMs);
    const first = await this.#deliverTicket();
    const last = first.attempts.at(-1);
    if (last === undefined || 'error' in last) throw new Error(`the ticket push to ${target.url} got no answer: ${last?.error ?? 'no attempt was made'}`);
    return last;
  }

  stopTicketPushes(): void {
    clearInterval(this.#ticketPushes);
    this.#ticketPushes = undefined;
  }

  /** The simulator stops: no more interval pushes, and deliveries under way give up. */
  stop(): void {
    this.stopTicketPushes();
    this.#stopped.abort();
    this.#stopped = new AbortController();
  }

  async #deliverTicket(): Promise<PushDelivery> {
    const target = this.#eventTarget;
    const delivery: PushDelivery =
      target === undefined
        ? { url: undefined, delivered: false, attempts: [] }
        : await deliverPush(target.url, (signal) => this.pushVerifyTicket(target, { signal }), this.retryDelayMs, this.#stopped.signal);
    this.#deliveries.push(delivery);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve(delivery);
    return delivery;
  }

  #component(control: string): { appId: string; ticket: string } {
    const { appId, verifyTicket } = this.component;
    if (appId === undefined || verifyTicket === undefined) {
      throw new Error(`${control}: the simulator has no component; pass options.component to new WechatSimulator()`);
    }
    return { appId, ticket: verifyTicket };
  }
}
