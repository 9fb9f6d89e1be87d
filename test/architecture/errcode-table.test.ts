/**
 * Errcode facts live in one table (src/errors/error-codes.ts): no other module of the
 * product writes a WeChat errcode down, and the WeChat client's retry policy, the circuit
 * breaker's failure filter, the per-authorizer hold and token healing answer from the
 * table's rows as WeChat's documentation asks (test/support/wechat-errcodes.ts, written
 * out by hand, never read from the table). The simulator is WeChat's side of the contract
 * and keeps its own list of what WeChat sends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  CALLER_REFUSAL_RULES,
  ERRCODE_RULES,
  ERROR_CODES,
  INPUT_RULES,
  NOT_IN_REGISTRY,
  OTHER_ERRCODE,
  TOKEN_SOURCE_RULES,
  TOKEN_STORE_UNAVAILABLE,
  TRANSPORT_RULES,
  lastGoodOnFailure,
  ruleForErrcode,
} from '../../src/errors/error-codes.js';
import { OperationDeadlineError } from '../../src/loaders/operation-deadline.js';
import { codeOfFailure } from '../../src/schema/cloud-environment-error.js';
import { AuthorizerHeldBackError, WechatApiError, WechatTransportError } from '../../src/wechat/errors.js';
import { isAuthorizerTrouble, isTokenRejection, isUpstreamFailure, retriesFor } from '../../src/wechat/retry-policy.js';
import { REPOSITORY_ROOT, sourceFiles } from '../support/module-graph.js';
import { DOCUMENTED_ERRCODES, UNDOCUMENTED_ERRCODES } from '../support/wechat-errcodes.js';

const DOCUMENTED = new Set(DOCUMENTED_ERRCODES.map((documented) => documented.errcode));

/** Errcode literals in a module's code (comments do not count): 4xxxx–8xxxx and -1000. */
function errcodeLiterals(file: string): number[] {
  const found: number[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNumericLiteral(node)) {
      const value = Number(node.text);
      const negative = ts.isPrefixUnaryExpression(node.parent) && node.parent.operator === ts.SyntaxKind.MinusToken;
      if (DOCUMENTED.has(negative ? -value : value) && (value >= 40_000 || (negative && value === 1000))) found.push(negative ? -value : value);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, readFileSync(join(REPOSITORY_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true));
  return found;
}

describe('the errcode table', () => {
  it('is the only module of the product that writes an errcode down (the simulator speaks for WeChat)', () => {
    const elsewhere = sourceFiles('src')
      .filter((file) => file !== 'src/errors/error-codes.ts' && !file.startsWith('src/simulator/'))
      .flatMap((file) => errcodeLiterals(file).map((errcode) => `${file}: ${errcode}`));
    expect(elsewhere).toEqual([]);
  });

  it('has a row for every errcode WeChat documents, and for no other', () => {
    expect([...ERRCODE_RULES.keys()].sort((a, b) => a - b)).toEqual([...DOCUMENTED].sort((a, b) => a - b));
  });

  it.each([...DOCUMENTED_ERRCODES, ...UNDOCUMENTED_ERRCODES])('treats errcode $errcode as WeChat documents it: $code', (documented) => {
    const { errcode } = documented;
    const error = new WechatApiError('/tcb/getenvinfo', errcode, 'from the contract');
    const rule = ruleForErrcode(errcode);
    expect({
      code: rule.code,
      retryable: rule.retryable,
      retries: retriesFor(errcode),
      tokenRejected: isTokenRejection(errcode),
      ourBug: rule.ourBug === true,
      holdsAuthorizerBack: rule.holdsAuthorizerBack === true,
    }).toEqual({
      code: documented.code,
      retryable: documented.retryable,
      retries: documented.retries,
      tokenRejected: documented.tokenRejected,
      ourBug: documented.ourBug,
      holdsAuthorizerBack: documented.holdsAuthorizerBack,
    });
    // Only WeChat's own trouble (it did nothing and says so) counts towards a host's circuit;
    // that, and a spent per-minute quota, hold one authorizer back.
    expect(isUpstreamFailure(error)).toBe(documented.retries > 0);
    expect(isAuthorizerTrouble(error)).toBe(documented.retries > 0 || documented.holdsAuthorizerBack);
  });
});

describe('the lastGood column: what a failure does to the last good answer', () => {
  const failureRows = [...ERRCODE_RULES.values(), OTHER_ERRCODE, ...Object.values(TRANSPORT_RULES), NOT_IN_REGISTRY, ...Object.values(TOKEN_SOURCE_RULES), TOKEN_STORE_UNAVAILABLE];

  it('is the code’s: every row of one code agrees', () => {
    const disagreeing = failureRows.filter((row) => row.lastGood !== lastGoodOnFailure(row.code)).map((row) => `${row.code}: ${row.message}`);
    expect(disagreeing).toEqual([]);
  });

  it('serves it for failures that say nothing about the merchant’s authorization', () => {
    const serving = ['WECHAT_BUSY', 'WECHAT_SYSTEM_ERROR', 'WECHAT_UNAVAILABLE', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'TOKEN_STORE_UNAVAILABLE', 'COMPONENT_TICKET_INVALID'] as const;
    expect(ERROR_CODES.filter((code) => lastGoodOnFailure(code) === 'serve').sort()).toEqual([...serving].sort());
  });

  it('deletes it, and never serves it, for answers that concern authorization or say the kept list no longer holds', () => {
    expect(ERROR_CODES.filter((code) => lastGoodOnFailure(code) === 'forget').sort()).toEqual(
      [
        'MERCHANT_NOT_AUTHORIZED',
        'PERMISSION_SET_NOT_GRANTED',
        'API_UNAUTHORIZED',
        'FORBIDDEN',
        'REFRESH_TOKEN_INVALID',
        'AUTHORIZER_TOKEN_INVALID',
        'AUTHORIZER_TOKEN_EXPIRED',
        'CLOUDBASE_NOT_ENABLED',
      ].sort(),
    );
  });

  it('says nothing of the caller refusals, which are checked before any answer is looked for', () => {
    expect(Object.values(CALLER_REFUSAL_RULES).filter((row) => row.lastGood !== undefined)).toEqual([]);
    expect(Object.values(INPUT_RULES).filter((row) => row.lastGood !== undefined)).toEqual([]);
  });

  it('covers a held-back authorizer, an open circuit and a passed deadline as the WeChat trouble they are', () => {
    const busy = new WechatApiError('/tcb/getenvinfo', -1, 'system busy');
    const failures = [
      new AuthorizerHeldBackError('wx1', busy, 1_000),
      new WechatTransportError('/tcb/getenvinfo', 'circuit-open', 'failing fast', undefined, 500),
      new OperationDeadlineError(10_000),
    ];
    expect(failures.map((failure) => codeOfFailure(failure))).toEqual(['WECHAT_BUSY', 'WECHAT_UNAVAILABLE', 'WECHAT_UNAVAILABLE']);
    expect(failures.map((failure) => lastGoodOnFailure(codeOfFailure(failure)!))).toEqual(['serve', 'serve', 'serve']);
    expect(codeOfFailure(new TypeError('a bug'))).toBeUndefined();
  });
});
