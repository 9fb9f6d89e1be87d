/**
 * The project's import graph as the TypeScript compiler sees it, for the architecture
 * tests: every import of every module under the given folders (type-only and dynamic ones
 * included, each marked), and separately the imports Node will actually run once the
 * compiler has erased what is only used as a type.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type ImportKind = 'static' | 'type' | 'dynamic';

export interface ModuleImport {
  /** Repository-relative path of a module of ours (src/app.ts), or a package name (@opentelemetry/sdk-node). */
  readonly target: string;
  readonly kind: ImportKind;
}

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every .ts file under the folders, repository-relative. */
export function sourceFiles(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    (readdirSync(join(REPOSITORY_ROOT, folder), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => join(folder, file))
      .sort(),
  );
}

/** ./x.js from src/a/b.ts → src/a/x.ts; a package specifier stays as its package name. */
function resolveSpecifier(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    const parts = specifier.split('/');
    return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  }
  const path = resolve(REPOSITORY_ROOT, dirname(from), specifier);
  const candidates = [path.replace(/\.js$/, '.ts'), path, `${path}.ts`, join(path, 'index.ts')];
  return relative(REPOSITORY_ROOT, candidates.find((candidate) => existsSync(candidate)) ?? path);
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    return node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** The imports written in `text`: declarations (marked type-only where they are) and import() calls. */
function writtenImports(file: string, text: string): ModuleImport[] {
  const found: ModuleImport[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ target: resolveSpecifier(file, node.moduleSpecifier.text), kind: isTypeOnly(node) ? 'type' : 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push({ target: resolveSpecifier(file, argument.text), kind: 'dynamic' });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return found;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
};

/** Every import of each file, as written (type-only ones included). */
export function importGraph(files: readonly string[]): Map<string, ModuleImport[]> {
  return new Map(files.map((file) => [file, writtenImports(file, readFileSync(join(REPOSITORY_ROOT, file), 'utf8'))]));
}

/** The imports left in each file's emitted JavaScript: what Node loads when it runs it. */
export function runtimeGraph(files: readonly string[]): Map<string, ModuleImport[]> {
  return new Map(
    files.map((file) => {
      const { outputText } = ts.transpileModule(readFileSync(join(REPOSITORY_ROOT, file), 'utf8'), { compilerOptions: COMPILER_OPTIONS, fileName: file });
      return [file, writtenImports(file, outputText)];
    }),
  );
}

/** Everything loaded, statically, once `entries` are: modules of ours and packages. */
export function staticClosure(graph: ReadonlyMap<string, readonly ModuleImport[]>, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const module = pending.pop()!;
    if (seen.has(module)) continue;
    seen.add(module);
    for (const { target, kind } of graph.get(module) ?? []) if (kind === 'static') pending.push(target);
  }
  return seen;
}

/** The import cycles (strongly connected components of more than one module, or a module importing itself), Tarjan's way. */
export function importCycles(graph: ReadonlyMap<string, readonly ModuleImport[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const connect = (module: string) => {
    index.set(module, next);
    low.set(module, next);
    next += 1;
    stack.push(module);
    onStack.add(module);
    for (const { target } of graph.get(module) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(module, Math.min(low.get(module)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(module, Math.min(low.get(module)!, index.get(target)!));
      }
    }
    if (low.get(module) === index.get(module)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== module);
      const selfLoop = (graph.get(module) ?? []).some(({ target }) => target === module);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);
  return cycles;
}
