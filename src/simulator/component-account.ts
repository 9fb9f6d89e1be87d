/**
 * The third-party platform (component) the simulated WeChat serves: its appid and secret,
 * and the component_verify_ticket WeChat last pushed to it. WeChat tells a ticket that was
 * just replaced (61005, expired) from one it never issued (61006), so the previous ticket
 * is remembered too.
 */

export interface SimulatedComponent {
  appId: string;
  appSecret: string;
  /** The component_verify_ticket currently valid; setVerifyTicket pushes a new one. */
  verifyTicket: string;
}

export class ComponentAccount {
  readonly #appId: string | undefined;
  readonly #appSecret: string | undefined;
  #ticket: string | undefined;
  #previousTicket: string | undefined;

  constructor(component?: SimulatedComponent) {
    // Copied field by field, so pushing tickets never edits the caller's object.
    this.#appId = component?.appId;
    this.#appSecret = component?.appSecret;
    this.#ticket = component?.verifyTicket;
  }

  /** The ticket WeChat last pushed; undefined when the simulator was given no component. */
  get verifyTicket(): string | undefined {
    return this.#ticket;
  }

  /** The component's appid; undefined when the simulator was given no component. */
  get appId(): string | undefined {
    return this.#appId;
  }

  /** The errcode api_component_token answers for these credentials, in WeChat's order; undefined when they are good. */
  credentialsErrcode(appId: string, appSecret: string, ticket: string): number | undefined {
    const secretErrcode = this.secretErrcode(appId, appSecret);
    if (secretErrcode !== undefined) return secretErrcode;
    if (ticket === this.#ticket) return undefined;
    return ticket === this.#previousTicket ? 61005 : 61006;
  }

  /** The errcode WeChat answers for this appid and secret (40013 unknown appid, 40125 wrong secret); undefined when both are good. */
  secretErrcode(appId: string, appSecret: string): 40013 | 40125 | undefined {
    if (this.#appId === undefined || appId !== this.#appId) return 40013;
    return appSecret === this.#appSecret ? undefined : 40125;
  }

  /** WeChat pushed a new ticket: the current one becomes "expired", any older one invalid. */
  setVerifyTicket(ticket: string): void {
    if (this.#appId === undefined) {
      throw new Error('setVerifyTicket: the simulator has no component; pass options.component to new WechatSimulator()');
    }
    if (ticket === this.#ticket) return;
    this.#previousTicket = this.#ticket;
    this.#ticket = ticket;
  }
}
