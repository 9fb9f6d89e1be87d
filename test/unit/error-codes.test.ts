import { describe, expect, it } from 'vitest';
import { CloudEnvironmentError, MerchantNotAuthorizedError, toCloudEnvironmentError } from '../../src/schema/cloud-environment-error.js';
import { type ErrorCode, ruleForErrcode } from '../../src/errors/error-codes.js';
import { WechatApiError, WechatTransportError } from '../../src/wechat/errors.js';
import { DOCUMENTED_ERRCODES, UNDOCUMENTED_ERRCODES } from '../support/wechat-errcodes.js';

const ENDPOINT = '/tcb/getenvinfo';
const RID = '6142cae2-160a288b-589e1ad2';

/** [errcode, code, retryable, ourBug] as WeChat documents them and the README's error table lists them. */
const table: ReadonlyArray<readonly [number, ErrorCode, boolean, boolean]> = [...DOCUMENTED_ERRCODES, ...UNDOCUMENTED_ERRCODES].map(
  (documented) => [documented.errcode, documented.code, documented.retryable, documented.ourBug] as const,
);

describe('the errcode table', () => {
  it.each(table)('maps errcode %i to %s (retryable %s)', (errcode, code, retryable) => {
    const rule = ruleForErrcode(errcode);
    expect({ code: rule.code, retryable: rule.retryable }).toEqual({ code, retryable });
  });

  it.each(table)('marks errcode %i as our bug only when it is a malformed call of ours', (errcode, _code, _retryable, ourBug) => {
    expect(ruleForErrcode(errcode).ourBug === true).toBe(ourBug);
  });

  it('gives every rule a message for the client', () => {
    for (const [errcode] of table) expect(ruleForErrcode(errcode).message.length).toBeGreaterThan(0);
  });
});

describe('toCloudEnvironmentError for WeChat errcodes', () => {
  it.each(table)('carries errcode %i as code %s with the WeChat details', (errcode, code, retryable, ourBug) => {
    const errmsg = `something went wrong rid: ${RID}`;
    const error = toCloudEnvironmentError(new WechatApiError(ENDPOINT, errcode, errmsg), 'm_1001');
    expect(error).toBeInstanceOf(CloudEnvironmentError);
    expect(error.extensions).toEqual({ code, retryable, merchantId: 'm_1001', wechat: { errcode, errmsg, rid: RID } });
    expect(error.ourBug).toBe(ourBug);
  });

  it('says the rule message to the client, not the WeChat errmsg', () => {
    const error = toCloudEnvironmentError(new WechatApiError(ENDPOINT, 61007, `api is unauthorized to component rid: ${RID}`), 'm_1');
    expect(error.message).toBe(ruleForErrcode(61007).message);
  });

  it('leaves rid out when the errmsg has none', () => {
    const error = toCloudEnvironmentError(new WechatApiError(ENDPOINT, -1, 'system error'), 'm_1');
    expect(error.extensions.wechat).toEqual({ errcode: -1, errmsg: 'system error' });
  });

  it('carries an older hint as the rid', () => {
    const error = toCloudEnvironmentError(new WechatApiError(ENDPOINT, 40001, 'invalid credential hint: [abc]'), 'm_1');
    expect(error.extensions.wechat?.rid).toBe('abc');
  });
});

describe('toCloudEnvironmentError for transport failures', () => {
  it('turns a timeout into WECHAT_UNAVAILABLE, retryable, with no wechat details', () => {
    const error = toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'timeout', 'no answer within 5000 ms'), 'm_1');
    expect(error.extensions).toEqual({ code: 'WECHAT_UNAVAILABLE', retryable: true, merchantId: 'm_1' });
  });

  it('turns a connection failure into WECHAT_UNAVAILABLE with no wechat details', () => {
    const error = toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'connection', 'ECONNREFUSED'), 'm_1');
    expect(error.extensions).toEqual({ code: 'WECHAT_UNAVAILABLE', retryable: true, merchantId: 'm_1' });
  });

  it('carries the HTTP status of a non-200 answer and no errcode', () => {
    const error = toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'http-status', 'HTTP 502', 502), 'm_1');
    expect(error.extensions).toEqual({ code: 'WECHAT_UNAVAILABLE', retryable: true, merchantId: 'm_1', wechat: { httpStatus: 502 } });
  });

  it('carries the HTTP status of an unreadable 200 answer', () => {
    const error = toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'invalid-body', 'answer is not JSON', 200), 'm_1');
    expect(error.extensions.wechat).toEqual({ httpStatus: 200 });
  });

  it('says the failure’s row to the client and keeps the failure itself for the log', () => {
    const error = toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'http-status', 'HTTP 502', 502), 'm_1');
    expect(error.message).toBe('WeChat answered with an HTTP error (extensions.wechat.httpStatus); try again shortly.');
    expect(error.detail.failure).toBe('WeChat /tcb/getenvinfo could not be read (http-status): HTTP 502');
  });

  it('is not our bug', () => {
    expect(toCloudEnvironmentError(new WechatTransportError(ENDPOINT, 'timeout', 'x'), 'm_1').ourBug).toBe(false);
  });
});

describe('toCloudEnvironmentError for anything else', () => {
  it('passes an existing CloudEnvironmentError through unchanged', () => {
    const original = new MerchantNotAuthorizedError('m_9');
    expect(toCloudEnvironmentError(original, 'm_1')).toBe(original);
  });

  it('rethrows an unknown error untouched', () => {
    const unknown = new TypeError('cannot read properties of undefined');
    expect(() => toCloudEnvironmentError(unknown, 'm_1')).toThrow(unknown);
  });

  it('rethrows a thrown non-error value untouched', () => {
    let caught: unknown;
    try {
      toCloudEnvironmentError('boom', 'm_1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe('boom');
  });
});

describe('MerchantNotAuthorizedError', () => {
  it('is MERCHANT_NOT_AUTHORIZED, not retryable, the merchant in its extensions and in the log', () => {
    const error = new MerchantNotAuthorizedError('m_9');
    expect(error.extensions).toEqual({ code: 'MERCHANT_NOT_AUTHORIZED', retryable: false, merchantId: 'm_9' });
    expect(error.message).toBe('The merchant has not authorized our WeChat third-party platform (this subgraph knows no authorization of theirs).');
    expect(error.detail.failure).toContain('m_9');
  });
});
