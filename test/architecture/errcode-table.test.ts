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
import { ERRCODE_RULES, ruleForErrcode } from '../../src/errors/error-codes.js';
import { WechatApiError } from '../../src/wechat/errors.js';
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
