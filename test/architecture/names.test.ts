/**
 * No name is used by two different things: every name a module of src/ exports is
 * exported by that module alone (re-exports of the same thing aside). Two classes called
 * AuthorizerRegistry, or a GraphQL CloudEnvironment beside a WeChat one, make a reader
 * check the import path to know which is meant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, sourceFiles } from '../support/module-graph.js';

/**
 * The same thing on both sides of the wire: WeChat's endpoint paths, written by the
 * client that calls them and by the simulator that answers them, which stands apart from
 * the client on purpose (it must not agree with a mistake of ours).
 */
const SAME_THING_TWICE = new Set(['COMPONENT_TOKEN_PATH', 'AUTHORIZER_TOKEN_PATH', 'QUERY_AUTH_PATH', 'START_PUSH_TICKET_PATH', 'AUTHORIZER_LIST_PATH']);

/** Names declared and exported by a module itself (not re-exported from another). */
function declaredExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(REPOSITORY_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  return source.statements.flatMap((statement) => {
    if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return [];
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((declaration) => declaration.name.getText(source));
    const name = (statement as ts.DeclarationStatement).name;
    return name ? [name.getText(source)] : [];
  });
}

describe('exported names in src/', () => {
  it('each name one thing: declared by one module only', () => {
    const owners = new Map<string, string[]>();
    for (const file of sourceFiles('src')) for (const name of declaredExports(file)) owners.set(name, [...(owners.get(name) ?? []), file]);
    const shared = [...owners].filter(([name, files]) => files.length > 1 && !SAME_THING_TWICE.has(name)).map(([name, files]) => `${name}: ${files.join(', ')}`);
    expect(shared).toEqual([]);
  });
});
