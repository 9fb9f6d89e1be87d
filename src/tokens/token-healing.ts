/**
 * The one place a token WeChat rejects is healed: 40001 / 40014 / 42001 drop the token (only
 * if it is still the current one), a fresh one is had and the call is made once more. Used
 * for authorizer tokens (every getEnvInfo call) and the component token (every mint) alike.
 */
import { WechatApiError } from '../wechat/errors.js';
import { isTokenRejection } from '../wechat/retry-policy.js';

/** A token that can be had and, once WeChat rejects it, dropped. */
export interface HealableToken {
  get(): Promise<string>;
  /**
   * WeChat rejected `token`: forget it if it is still the current one. With `rejection`, a
   * fresh token was refused too (or no fresher one exists): the source backs off instead
   * of fetching another at once.
   */
  invalidate(token: string, rejection?: unknown): Promise<void>;
}

export const isRejectedToken = (error: unknown): error is WechatApiError => error instanceof WechatApiError && isTokenRejection(error.errcode);

/** Runs `call` with the token; if WeChat rejects it, once more with a fresh one. */
export async function withHealedToken<T>(source: HealableToken, call: (token: string) => Promise<T>): Promise<T> {
  const token = await source.get();
  try {
    return await call(token);
  } catch (error) {
    if (!isRejectedToken(error)) throw error;
    await source.invalidate(token);
    const fresh = await source.get();
    if (fresh === token) {
      // Nothing fresher exists (a fixed token, or the platform still holds the rejected one).
      await source.invalidate(token, error);
      throw error;
    }
    try {
      return await call(fresh);
    } catch (retryError) {
      // Even a fresh token was refused: back off instead of fetching one per request.
      if (isRejectedToken(retryError)) await source.invalidate(fresh, retryError);
      throw retryError;
    }
  }
}
