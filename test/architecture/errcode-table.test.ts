/**
 * Errcode facts live in one table (src/errors/error-codes.ts): no other module of the
 * product writes a WeChat errcode down, and the WeChat client's retry policy, the circuit
 * breaker's failure filter and token healing answer from the table's rows. The simulator
 * is WeChat's side of the contract and keeps its own list of what WeChat sends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERRCODE_RULES } from '../../src/errors/error-codes.js';
import { WechatApiError } from '../../src/wechat/errors.js';
import { isTokenRejection, isUpstreamFailure, retriesFor } from '../../src/wechat/retry-policy.js';
import { REPOSITORY_ROOT, sourceFiles } from '../support/module-graph.js';

/** Errcode literals in a module's code (comments do not count): 4xxxx–8xxxx and -1000. */
function errcodeLiterals(file: string): number[] {
  const found: number[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNumericLiteral(node)) {
      const value = Number(node.text);
      const negative = ts.isPrefixUnaryExpression(node.parent) && node.parent.operator === ts.SyntaxKind.MinusToken;
      if (ERRCODE_RULES.has(negative ? -value : value) && (value >= 40_000 || (negative && value === 1000))) found.push(negative ? -value : value);
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

  it.each([...ERRCODE_RULES])('decides how the WeChat client treats errcode %i', (errcode, rule) => {
    const error = new WechatApiError('/tcb/getenvinfo', errcode, 'from the table');
    expect(retriesFor(errcode)).toBe(rule.retries ?? 0);
    expect(isUpstreamFailure(error)).toBe((rule.retries ?? 0) > 0);
    expect(isTokenRejection(errcode)).toBe(rule.tokenRejected === true);
  });

  it('asks again only when WeChat says it did nothing, and heals only the token errcodes', () => {
    expect([-1, -1000, 45011, 61007].map(retriesFor)).toEqual([2, 1, 0, 0]);
    expect([...ERRCODE_RULES.keys()].filter(isTokenRejection)).toEqual([40001, 40014, 42001]);
    expect(retriesFor(99_999)).toBe(0);
    expect(isTokenRejection(99_999)).toBe(false);
  });
});
