/**
 * WeChat's errmsg texts and request ids, so simulated errors read exactly like real ones.
 * Clients must branch on errcode only; the texts are here for realism and for humans reading logs.
 *
 * This is WeChat's side of the contract, and stays apart from the subgraph's errcode table
 * (src/errors/error-codes.ts), which says what an errcode means to us: a simulator that
 * borrowed our reading of WeChat would agree with any mistake in it.
 */
import { randomBytes } from 'node:crypto';

const errmsgByErrcode: ReadonlyMap<number, string> = new Map([
  [-1000, 'system error'],
  [-1, 'system error'],
  [40001, 'invalid credential, access_token is invalid or not latest'],
  [40013, 'invalid appid'],
  [40014, 'invalid access_token'],
  [40066, 'invalid url'],
  [40097, 'invalid args'],
  [40101, 'missing parameter'],
  [40125, 'invalid appsecret'],
  [40164, 'invalid ip, not in whitelist'],
  // api_get_authorizer_list's answer to a count above 500; the text is ours, WeChat's is undocumented.
  [40170, 'invalid count, at most 500'],
  [41001, 'access_token missing'],
  [41002, 'appid missing'],
  [41004, 'appsecret missing'],
  [42001, 'access_token expired'],
  [43002, 'require POST method'],
  [44002, 'empty post data'],
  [45009, 'reach max api daily quota limit'],
  // The double spaces are WeChat's own.
  [45011, 'api minute-quota reach limit  mustslower  retry next minute'],
  [47001, 'data format error'],
  [48001, 'api unauthorized'],
  [50001, 'user unauthorized'],
  [61003, 'component is not authorized by this account'],
  [61004, 'access clientip is not registered'],
  [61005, 'component ticket is expired'],
  [61006, 'component ticket is invalid'],
  [61007, 'api is unauthorized to component'],
  [61009, 'code is invalid'],
  [61023, 'refresh_token is invalid'],
  [85088, 'no qbase privilege'],
]);

/** Codes WeChat has no fixed text for here come from cloud development itself. */
const genericErrmsg = 'cloud development error';

/** A fresh rid in WeChat's shape: three groups of 8 lowercase hex digits. */
export function newRid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** The full errmsg WeChat would send for this errcode, rid included. */
export function errmsgWithRid(errcode: number): string {
  return `${errmsgByErrcode.get(errcode) ?? genericErrmsg} rid: ${newRid()}`;
}
