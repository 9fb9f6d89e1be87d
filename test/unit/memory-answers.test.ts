/** The memory copy of the answers: what it finds for a query, and how its bounds (authorizers, bytes) hold. */
import { describe, expect, it } from 'vitest';
import { ALL_ENVIRONMENTS } from '../../src/loaders/batch-rule.js';
import { estimatedBytes, keptAnswer } from '../../src/loaders/kept-answer.js';
import { MemoryAnswers } from '../../src/loaders/memory-answers.js';
import { type EnvInfo, CloudEnvironmentStatus } from '../../src/wechat/env-info.js';

function environment(env: string, packageName = '基础版 1'): EnvInfo {
  return {
    env,
    alias: '',
    createTime: new Date('2019-04-04T06:10:28Z'),
    updateTime: new Date('2019-04-04T06:10:36Z'),
    status: CloudEnvironmentStatus.NORMAL,
    upstreamStatus: 'NORMAL',
    packageId: 'basic',
    packageName,
  };
}

const roomy = { maxAuthorizers: 100, maxBytes: 1024 * 1024, lifeMs: 60_000 };
const at = (iso: string) => new Date(iso);

describe('MemoryAnswers', () => {
  it('stamps every environment of an answer with the one instant it was read', () => {
    const answer = keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1'), environment('test-1')], at('2026-01-01T00:00:00Z'));
    expect(answer.environments.map((kept) => kept.fetchedAt)).toEqual([answer.fetchedAt, answer.fetchedAt]);
    expect(answer.environments[0]!.fetchedAt).toBe(answer.environments[1]!.fetchedAt);
  });

  it('answers one env from the full list, or from its own answer when that was read later', () => {
    const memory = new MemoryAnswers(roomy);
    memory.keep('wx1', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1'), environment('test-1')], at('2026-01-01T00:00:00Z')));
    expect(memory.find('wx1', 'test-1')).toMatchObject({ query: ALL_ENVIRONMENTS, environments: [{ env: 'test-1' }] });
    expect(memory.find('wx1', 'gone-1')?.environments).toEqual([]);
    memory.keep('wx1', keptAnswer('test-1', [environment('test-1', '专业版')], at('2026-01-01T00:01:00Z')));
    expect(memory.find('wx1', 'test-1')).toMatchObject({ query: 'test-1', environments: [{ packageName: '专业版' }] });
    expect(memory.find('wx1', ALL_ENVIRONMENTS)?.environments.map((kept) => kept.env)).toEqual(['prod-1', 'test-1']);
  });

  it('never answers the full list from a single env answer', () => {
    const memory = new MemoryAnswers(roomy);
    memory.keep('wx1', keptAnswer('prod-1', [environment('prod-1')]));
    expect(memory.find('wx1', ALL_ENVIRONMENTS)).toBeUndefined();
    expect(memory.find('wx1', 'test-1')).toBeUndefined();
  });

  it('forgets everything of an authorizer at once, and nothing of another', () => {
    const memory = new MemoryAnswers(roomy);
    memory.keep('wx1', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1')]));
    memory.keep('wx1', keptAnswer('test-1', [environment('test-1')]));
    memory.keep('wx2', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-2')]));
    expect(memory.forget('wx1')).toBe(true);
    expect([memory.find('wx1', ALL_ENVIRONMENTS), memory.find('wx1', 'test-1')]).toEqual([undefined, undefined]);
    expect(memory.find('wx2', ALL_ENVIRONMENTS)).toBeDefined();
    expect(memory.forget('wx1')).toBe(false);
  });

  it('keeps at most its number of authorizers, the least recently used going first', () => {
    const memory = new MemoryAnswers({ ...roomy, maxAuthorizers: 2 });
    for (const appId of ['wx1', 'wx2']) memory.keep(appId, keptAnswer(ALL_ENVIRONMENTS, [environment(`prod-${appId}`)]));
    memory.find('wx1', ALL_ENVIRONMENTS);
    memory.keep('wx3', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-wx3')]));
    expect(['wx1', 'wx2', 'wx3'].map((appId) => memory.find(appId, ALL_ENVIRONMENTS) !== undefined)).toEqual([true, false, true]);
  });

  it('keeps within its bytes, estimated from what the answers hold', () => {
    const answer = (appId: string) => keptAnswer(ALL_ENVIRONMENTS, [environment(`prod-${appId}`), environment(`test-${appId}`)]);
    const size = estimatedBytes(answer('wx1')) + 2 * 'wx1'.length;
    const memory = new MemoryAnswers({ ...roomy, maxBytes: size * 3 });
    for (const appId of ['wx1', 'wx2', 'wx3', 'wx4', 'wx5']) memory.keep(appId, answer(appId));
    expect(['wx1', 'wx2', 'wx3', 'wx4', 'wx5'].map((appId) => memory.find(appId, ALL_ENVIRONMENTS) !== undefined)).toEqual([false, false, true, true, true]);
  });

  it('counts a longer list as more bytes, two to a character', () => {
    const one = estimatedBytes(keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1')]));
    const two = estimatedBytes(keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1'), environment('test-1')]));
    expect(two - one).toBe(240 + 2 * ('test-1'.length + 'NORMAL'.length + 'basic'.length + '基础版 1'.length));
  });

  it('keeps a bounded number of single-env answers per authorizer, the oldest going first', () => {
    const memory = new MemoryAnswers(roomy);
    memory.keep('wx1', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1')]));
    for (let index = 0; index < 20; index += 1) memory.keep('wx1', keptAnswer(`asked-${index}`, []));
    expect(memory.find('wx1', 'asked-3')?.query).toBe(ALL_ENVIRONMENTS);
    expect(memory.find('wx1', 'asked-4')?.query).toBe('asked-4');
    expect(memory.find('wx1', ALL_ENVIRONMENTS)?.environments).toHaveLength(1);
  });

  it('keeps nothing when no window lets an answer live', () => {
    const memory = new MemoryAnswers({ ...roomy, lifeMs: 0 });
    memory.keep('wx1', keptAnswer(ALL_ENVIRONMENTS, [environment('prod-1')]));
    expect(memory.find('wx1', ALL_ENVIRONMENTS)).toBeUndefined();
  });
});
