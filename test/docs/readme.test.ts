/**
 * The README is what client developers and operators work from. Its error table must say what
 * the errcode table does, every variable the config model reads must be documented (in the
 * README's table or a docs/ page's), and every npm script must be listed under Commands.
 */
import { readFile, readdir } from 'node:fs/promises';
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

  it.each(Object.entries(CALLER_REFUSAL_RULES))('documents the AUTHORIZATION=subgraph refusal %s as the code does', async (_failure, rule) => {
    const row = (await errorTableRows()).find((candidate) => candidate.errcodes.includes('AUTHORIZATION=subgraph') && candidate.code === rule.code);
    expect(row, `no README row for ${rule.code}`).toMatchObject({ retryable: String(rule.retryable) });
  });
});

/** Names in the first cell of every table row of the README and the docs/ pages. */
async function documentedVariables(): Promise<Set<string>> {
  const docs = (await readdir(new URL('../../docs/', import.meta.url))).filter((name) => name.endsWith('.md'));
  const pages = await Promise.all(['README.md', ...docs.map((name) => `docs/${name}`)].map((page) => readFile(new URL(`../../${page}`, import.meta.url), 'utf8')));
  const firstCells = pages.flatMap((page) => page.split('\n').filter((line) => line.startsWith('| `')).map((line) => line.split('|')[1] ?? ''));
  return new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!)));
}

/** The variables the config models read: their keys, written `NAME:` in src/config/. */
async function configVariables(): Promise<string[]> {
  const directory = new URL('../../src/config/', import.meta.url);
  const modules = (await readdir(directory)).filter((name) => name.endsWith('.ts'));
  const source = (await Promise.all(modules.map((name) => readFile(new URL(name, directory), 'utf8')))).join('\n');
  return [...new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*): /gm)].map((match) => match[1]!))];
}

describe('README configuration', () => {
  it('documents every variable the config model reads, in a table row of the README or docs/', async () => {
    const variables = await configVariables();
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'REDIS_URL', 'MAX_ENTITIES', 'ROUTER_SECRET']));
    const documented = await documentedVariables();
    expect(variables.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('README commands', () => {
  it('lists every npm script under Commands', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const commands = readme.slice(readme.indexOf('## Commands'), readme.indexOf('\n## ', readme.indexOf('## Commands') + 1));
    const { scripts } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const hook = (name: string) => /^(pre|post)/.test(name) && name.replace(/^(pre|post)/, '') in scripts;
    const listed = (name: string) =>
      [`\`npm run ${name}\``, `\`npm run ${name} `, ...(name === 'start' || name === 'test' ? [`\`npm ${name}\``] : [])].some((form) => commands.includes(form));
    expect(Object.keys(scripts).filter((name) => !hook(name) && !listed(name))).toEqual([]);
  });
});
