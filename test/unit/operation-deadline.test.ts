/** The operation deadline is its own failure, not a WeChat transport error, and clients see it as before. */
import { describe, expect, it } from 'vitest';
import { toCloudEnvironmentError } from '../../src/schema/cloud-environment-error.js';
import { OperationDeadline, OperationDeadlineError } from '../../src/loaders/operation-deadline.js';
import { WechatTransportError } from '../../src/wechat/errors.js';

describe('OperationDeadline', () => {
  it('fails work still running when the budget passes with an OperationDeadlineError naming REQUEST_DEADLINE_MS', async () => {
    const deadline = new OperationDeadline(20);
    const error = await deadline.race(new Promise(() => undefined)).catch((failure: unknown) => failure);
    deadline.dispose();
    expect(error).toBeInstanceOf(OperationDeadlineError);
    expect(error).not.toBeInstanceOf(WechatTransportError);
    expect((error as Error).message).toMatch(/operation deadline of 20 ms \(REQUEST_DEADLINE_MS\) passed/);
  });

  it('lets work that finishes in time answer', async () => {
    const deadline = new OperationDeadline(5_000);
    await expect(deadline.race(Promise.resolve('answered'))).resolves.toBe('answered');
    deadline.dispose();
  });
});

describe('toCloudEnvironmentError for the operation deadline', () => {
  it('answers WECHAT_UNAVAILABLE, retryable, "did not answer within the time this request allows", with no WeChat details', () => {
    const error = toCloudEnvironmentError(new OperationDeadlineError(400), 'm_1');
    expect(error.extensions).toEqual({ code: 'WECHAT_UNAVAILABLE', retryable: true, merchantId: 'm_1' });
    expect(error.message).toBe('WeChat did not answer within the time this request allows; try again shortly.');
    // The variable to raise is the operator's business.
    expect(error.detail.failure).toMatch(/400 ms \(REQUEST_DEADLINE_MS\)/);
  });
});
