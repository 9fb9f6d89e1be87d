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
 * below. The errcode table is data every layer reads (the WeChat client's retry policy
 * included); the GraphQL mapping of errors sits with the schema that uses it. Config is
 * below everything: any layer may be handed its types, and it imports nothing of ours.
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
  ['src/errors/cloud-environment-error.ts', 4],
  ['src/loaders/', 3],
  ['src/tokens/', 2],
  ['src/authorizers/', 2],
  ['src/wechat/', 2],
  ['src/errors/error-codes.ts', 2],
  ['src/store/', 1],
  ['src/observability/', 1],
  ['src/auth/', 1],
  ['src/single-flight.ts', 1],
  ['src/logger.ts', 1],
  ['src/telemetry.ts', 1],
  ['src/config/', 0],
];

function levelOf(module: string): number | undefined {
  return LAYERS.find(([prefix]) => module.startsWith(prefix))?.[1];
}

const ours = (imports: readonly ModuleImport[] | undefined) => (imports ?? []).filter(({ target }) => /^(src|tools|test)\//.test(target));

describe('imports', () => {
  it('form no loops in src/ or tools/, type-only imports included', () => {
    expect(importCycles(everything)).toEqual([]);
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

  it('keep config at the bottom: src/config/ imports nothing else of ours', () => {
    const config = product.filter((module) => module.startsWith('src/config/'));
    expect(config.length).toBeGreaterThan(1);
    const outward = config.flatMap((module) => ours(everything.get(module)).filter(({ target }) => !target.startsWith('src/config/')).map(({ target }) => `${module} → ${target}`));
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
