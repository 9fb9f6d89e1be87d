/**
 * The calls the simulated WeChat received during a soak run, by endpoint and, for
 * api_authorizer_token, by authorizer. The simulator records every request; collect()
 * folds that record into these counts and clears it, so a long run does not grow the
 * record (and with it the RSS being measured).
 */
import { AUTHORIZER_TOKEN_PATH, COMPONENT_TOKEN_PATH, GET_ENV_INFO_PATH, type WechatSimulator } from '../../src/simulator/index.js';

export class UpstreamCalls {
  getEnvInfo = 0;
  componentToken = 0;
  readonly authorizerTokenByAppId = new Map<string, number>();

  constructor(private readonly simulator: WechatSimulator) {}

  /** Synchronous, so no request lands between counting and clearing. */
  collect(): void {
    for (const call of this.simulator.calls) {
      if (call.path === GET_ENV_INFO_PATH) this.getEnvInfo += 1;
      else if (call.path === COMPONENT_TOKEN_PATH) this.componentToken += 1;
      else if (call.path === AUTHORIZER_TOKEN_PATH) {
        const appId = authorizerAppIdOf(call.body);
        this.authorizerTokenByAppId.set(appId, (this.authorizerTokenByAppId.get(appId) ?? 0) + 1);
      }
    }
    this.simulator.resetCalls();
  }

  get authorizerToken(): number {
    let total = 0;
    for (const count of this.authorizerTokenByAppId.values()) total += count;
    return total;
  }
}

function authorizerAppIdOf(body: string): string {
  try {
    const appId = (JSON.parse(body) as { authorizer_appid?: unknown }).authorizer_appid;
    return typeof appId === 'string' ? appId : '(none)';
  } catch {
    return '(unreadable body)';
  }
}
