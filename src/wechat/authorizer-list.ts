/**
 * Reading an api_get_authorizer_list answer: one page of the accounts that authorize our
 * platform, each with its current refresh token. Every field is checked, since recovery
 * writes what it reads into the token store; a bad one is an 'invalid-body' failure that
 * names the field and its place in the list but never a value (refresh tokens are secrets).
 * An entry listed with no refresh token at all (seen in the field) is set aside by appid
 * rather than failing the page: the others on it are still worth recovering.
 */
import { WechatTransportError } from './errors.js';

export interface AuthorizerListEntry {
  readonly authorizerAppId: string;
  /** The authorizer's current refresh token: a secret, as durable as the authorization. */
  readonly refreshToken: string;
  /** When the account last authorized the platform. */
  readonly authTime: Date;
}

export interface AuthorizerList {
  /** How many accounts authorize the platform in all, across every page. */
  readonly totalCount: number;
  readonly authorizers: readonly AuthorizerListEntry[];
  /** Appids listed on this page without a refresh token (absent, null or empty): nothing to recover for them. */
  readonly withoutRefreshToken: readonly string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isWholeNumber = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function readAuthorizerList(body: Record<string, unknown>, endpoint: string): AuthorizerList {
  const invalid = (what: string) => new WechatTransportError(endpoint, 'invalid-body', what);
  const totalCount = body['total_count'];
  if (!isWholeNumber(totalCount)) throw invalid('answer has no whole-number total_count');
  const list = body['list'];
  if (!Array.isArray(list)) throw invalid('answer has no list array');
  const authorizers: AuthorizerListEntry[] = [];
  const withoutRefreshToken: string[] = [];
  list.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) throw invalid(`list[${index}] is not an object`);
    const { authorizer_appid: appId, refresh_token: refreshToken, auth_time: authTime } = entry;
    if (typeof appId !== 'string' || appId === '') throw invalid(`list[${index}] has no authorizer_appid`);
    if (refreshToken === undefined || refreshToken === null || refreshToken === '') {
      withoutRefreshToken.push(appId);
      return;
    }
    if (typeof refreshToken !== 'string') throw invalid(`list[${index}] has no refresh_token`);
    if (!isWholeNumber(authTime)) throw invalid(`list[${index}] has no auth_time in epoch seconds`);
    authorizers.push({ authorizerAppId: appId, refreshToken, authTime: new Date(authTime * 1000) });
  });
  return { totalCount, authorizers, withoutRefreshToken };
}
