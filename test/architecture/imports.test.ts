/**
 * The layout holds: no import loops (type-only ones count: they make two modules one unit
 * to read and change), imports flow server → schema → loaders → tokens/wechat and never
 * back up, the product imports no tooling or tests, and a production process loads no
 * simulator and no OpenTelemetry SDK.
 */
import { describe, expect, it } from 'vitest';
import { type ModuleImport, importCycles, importGraph, runtimeGraph, sourceFiles, staticClosure } from '../support/module-graph.js';

const product = sourceFiles('src');
const everything = importGraph([...product, ...sourceFiles('tools')]);

/**
 * Where each module of src/ sits; a module may import only modules at its own level or
 * below. The error table (src/errors/) is data every layer reads (the WeChat client's retry
 * policy included), so it sits at the bottom and imports nothing of ours; the GraphQL
 * mapping of errors sits with the schema that uses it. Config is at the bottom too: any
 * layer may be handed its types.
 */
const LAYERS: ReadonlyArray<readonly [prefix: string, level: number]> = [
  ['src/main.ts', 6],
  ['src/app.ts', 6],
  ['src/start-up.ts', 6],
  ['src/cli/', 6],
  ['src/server/', 5],
  ['src/events/', 5],
  ['src/schema/', 4],
  ['src/context.ts', 4],
  ['src/loaders/', 3],
  ['src/tokens/', 2],
  ['src/authorizers/', 2],
  ['src/wechat/', 2],
  ['src/store/', 1],
  ['src/observability/', 1],
  ['src/auth/', 1],
  ['src/single-flight.ts', 1],
  ['src/logger.ts', 1],
  ['src/telemetry.ts', 1],
  ['src/config/', 0],
  ['src/errors/', 0],
];

function levelOf(module: string): number | undefined {
  return LAYERS.find(([prefix]) => module.startsWith(prefix))?.[1];
}

/** The unit a module belongs to at folder level: its folder under src/ (src/wechat/), or itself for a module directly in src/. */
const folderOf = (module: string) => module.split('/').slice(0, 2).join('/') + (module.split('/').length > 2 ? '/' : '');

/**
 * The loops among src/'s folders, each with the module imports that close it (a folder
 * loop hides in file-level order: retry-policy.ts → error-codes.ts and
 * cloud-environment-error.ts → errors.ts make no file loop, yet wechat/ and errors/ become
 * one unit to read and change).
 */
function folderCycles(modules: readonly string[]): string[][] {
  const folders = new Map<string, ModuleImport[]>();
  for (const module of modules) {
    const from = folderOf(module);
    const imports = folders.get(from) ?? [];
    folders.set(from, imports);
    for (const { target, kind } of everything.get(module) ?? []) {
      if (target.startsWith('src/') && folderOf(target) !== from) imports.push({ target: folderOf(target), kind });
    }
  }
  return importCycles(folders).map((cycle) => {
    const members = new Set(cycle);
    const edges = modules.flatMap((module) =>
      (everything.get(module) ?? [])
        .filter(({ target }) => members.has(folderOf(module)) && members.has(folderOf(target)) && folderOf(target) !== folderOf(module))
        .map(({ target, kind }) => `${module} → ${target} (${kind})`),
    );
    return [...cycle, ...edges];
  });
}

const ours = (imports: readonly ModuleImport[] | undefined) => (imports ?? []).filter(({ target }) => /^(src|tools|test)\//.test(target));

describe('imports', () => {
  it('form no loops in src/ or tools/, type-only imports included', () => {
    expect(importCycles(everything)).toEqual([]);
  });

  it('form no loops between the folders of src/: no two of them import each other, directly or through others', () => {
    expect(folderCycles(product)).toEqual([]);
  });

  it('place every module of src/ in a layer (or the simulator, which stands alone)', () => {
    expect(product.filter((module) => levelOf(module) === undefined && !module.startsWith('src/simulator/'))).toEqual([]);
  });

  it('never go up the layers: server → schema → loaders → tokens/wechat → store/observability', () => {
    const upward = product.flatMap((module) =>
      ours(everything.get(module))
        .filter(({ target }) => target.startsWith('src/') && !target.startsWith('src/simulator/') && levelOf(target)! > levelOf(module)!)
        .map(({ target }) => `${module} → ${target}`),
    );
    expect(upward.filter((edge) => !edge.startsWith('src/simulator/'))).toEqual([]);
  });

  it('keep the simulator to itself: it imports nothing else of ours, and only start-up.ts (dynamically, in demo mode) and tools/tests reach it', () => {
    const crossing = product.flatMap((module) =>
      ours(everything.get(module))
        .filter(({ target }) => module.startsWith('src/simulator/') !== target.startsWith('src/simulator/'))
        .filter(({ kind }) => !(module === 'src/start-up.ts' && kind === 'dynamic'))
        // WeChat's side of the push encryption is the receiver's own, run the other way; the
        // tests hold that module to @wecom/crypto, so the two cannot merely agree with each other.
        .filter(({ target }) => !(module === 'src/simulator/component-push.ts' && target === 'src/events/message-crypto.ts'))
        .map(({ target, kind }) => `${module} → ${target} (${kind})`),
    );
    expect(crossing).toEqual([]);
  });

  it.each(['src/config/', 'src/errors/'])('keep %s at the bottom: it imports nothing else of ours', (folder) => {
    const modules = product.filter((module) => module.startsWith(folder));
    expect(modules.length).toBeGreaterThan(0);
    const outward = modules.flatMap((module) => ours(everything.get(module)).filter(({ target }) => !target.startsWith(folder)).map(({ target }) => `${module} → ${target}`));
    expect(outward).toEqual([]);
  });

  it('never reach tools/ or test/ from src/', () => {
    const outward = product.flatMap((module) => ours(everything.get(module)).filter(({ target }) => !target.startsWith('src/')).map(({ target }) => `${module} → ${target}`));
    expect(outward).toEqual([]);
  });
});

describe('a production start (node --import dist/telemetry.js dist/main.js)', () => {
  const loaded = staticClosure(runtimeGraph(product), ['src/telemetry.ts', 'src/main.ts']);

  it('loads the product itself', () => {
    expect(loaded).toContain('src/app.ts');
    expect(loaded).toContain('src/server/server.ts');
    expect(loaded).toContain('@opentelemetry/api');
  });

  it('loads no simulator module: demo mode imports it when it needs it', () => {
    expect([...loaded].filter((module) => module.startsWith('src/simulator/'))).toEqual([]);
  });

  it('loads no Redis client: app.ts imports it when REDIS_URL is set', () => {
    expect([...loaded].filter((module) => module === 'ioredis' || module === 'src/store/redis-store.ts')).toEqual([]);
  });

  it('loads no OpenTelemetry SDK, exporter or instrumentation: telemetry.ts imports them only when an exporter is configured', () => {
    expect([...loaded].filter((module) => /^@opentelemetry\/(?!api$)/.test(module))).toEqual([]);
  });
});
