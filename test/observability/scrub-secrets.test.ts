/** Token query parameters never survive scrubbing, whatever their case or however many there are; other text comes back as it was. */
import { describe, expect, it } from 'vitest';
import { scrubTokens } from '../../src/observability/scrub-secrets.js';

describe('scrubTokens', () => {
  it.each([
    ['https://api.weixin.qq.com/tcb/getenvinfo?access_token=AT-1&env=x', 'https://api.weixin.qq.com/tcb/getenvinfo?access_token=[REDACTED]&env=x'],
    ['POST /cgi-bin/component/api_authorizer_token?component_access_token=CT-2', 'POST /cgi-bin/component/api_authorizer_token?component_access_token=[REDACTED]'],
    ['GET /x?ACCESS_TOKEN=AT-3 failed', 'GET /x?ACCESS_TOKEN=[REDACTED] failed'],
    ['a?Access_Token=AT-4 and b?access_token=AT-5"', 'a?Access_Token=[REDACTED] and b?access_token=[REDACTED]"'],
  ])('censors the token in %s', (text, scrubbed) => {
    expect(scrubTokens(text)).toBe(scrubbed);
  });

  it('returns text without a token unchanged', () => {
    for (const text of ['0b6f8a52-6c1e-4a57-9d9b-1c3f0f6c2f1e', 'access_token', 'token=abc', '']) expect(scrubTokens(text)).toBe(text);
  });
});
