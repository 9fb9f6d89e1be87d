/** The README's error table is what client developers code against: it must say what the errcode table does. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CALLER_REFUSAL_RULES, ERRCODE_RULES, OTHER_ERRCODE, WECHAT_UNAVAILABLE } from '../../src/errors/error-codes.js';

async function errorTableRows(): Promise<Array<{ errcodes: string; code: string; retryable: string }>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('| WeChat errcode |'));
  return table
    .split('\n')
    .slice(2)
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .map(([, errcodes = '', code = '', retryable = '']) => ({ errcodes, code: code.replaceAll('`', ''), retryable }));
}

describe('README error table', () => {
  it.each([...ERRCODE_RULES])('documents errcode %i as the code does', async (errcode, rule) => {
    const row = (await errorTableRows()).find((candidate) => candidate.errcodes.split(/,\s*/).includes(String(errcode)));
    expect(row, `no README row for errcode ${errcode}`).toBeDefined();
    expect(row).toMatchObject({ code: rule.code, retryable: String(rule.retryable) });
  });

  it('documents the catch-all and transport rows', async () => {
    const rows = await errorTableRows();
    expect(rows.find((row) => row.errcodes === 'any other')).toMatchObject({ code: OTHER_ERRCODE.code, retryable: String(OTHER_ERRCODE.retryable) });
    expect(rows.find((row) => row.errcodes.includes('timeout'))).toMatchObject({ code: WECHAT_UNAVAILABLE.code, retryable: String(WECHAT_UNAVAILABLE.retryable) });
  });

  it.each([...CALLER_REFUSAL_RULES])('documents the AUTHORIZATION=subgraph refusal %s as the code does', async (_failure, rule) => {
    const row = (await errorTableRows()).find((candidate) => candidate.errcodes.includes('AUTHORIZATION=subgraph') && candidate.code === rule.code);
    expect(row, `no README row for ${rule.code}`).toMatchObject({ retryable: String(rule.retryable) });
  });
});
