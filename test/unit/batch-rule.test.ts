import { describe, expect, it } from 'vitest';
import { ALL_ENVIRONMENTS, answerQuery, upstreamEnvFor } from '../../src/loaders/batch-rule.js';
import { type EnvInfo, CloudEnvironmentStatus } from '../../src/wechat/env-info.js';

function environment(env: string): EnvInfo {
  return {
    env,
    alias: env.split('-')[0] ?? '',
    createTime: new Date('2019-04-04T06:10:28Z'),
    updateTime: new Date('2019-04-04T06:10:36Z'),
    status: CloudEnvironmentStatus.NORMAL,
    upstreamStatus: 'NORMAL',
    packageId: 'basic',
    packageName: '基础版 1',
  };
}

const prod = environment('prod-7g3k9d');
const staging = environment('staging-2b8f1c');
const all = [prod, staging];

describe('upstreamEnvFor', () => {
  it('sends a lone env as is', () => {
    expect(upstreamEnvFor(['prod-7g3k9d'])).toBe('prod-7g3k9d');
  });

  it('asks for every environment when the lone query is for all of them', () => {
    expect(upstreamEnvFor([ALL_ENVIRONMENTS])).toBeUndefined();
  });

  it('asks for every environment when a batch mixes an env with all', () => {
    expect(upstreamEnvFor(['prod-7g3k9d', ALL_ENVIRONMENTS])).toBeUndefined();
  });

  it('asks for every environment when a batch names several envs', () => {
    expect(upstreamEnvFor(['prod-7g3k9d', 'staging-2b8f1c'])).toBeUndefined();
  });

  it('asks for every environment for an empty batch', () => {
    expect(upstreamEnvFor([])).toBeUndefined();
  });
});

describe('answerQuery', () => {
  it('answers all with every environment', () => {
    expect(answerQuery(ALL_ENVIRONMENTS, all)).toEqual(all);
  });

  it('answers all with a copy the caller may change', () => {
    const answer = answerQuery(ALL_ENVIRONMENTS, all);
    answer.pop();
    expect(all).toHaveLength(2);
  });

  it('answers an env with only that environment', () => {
    expect(answerQuery('staging-2b8f1c', all)).toEqual([staging]);
  });

  it('answers an env the authorizer does not have with an empty list', () => {
    expect(answerQuery('nope-000000', all)).toEqual([]);
  });

  it('answers any query from an empty list with an empty list', () => {
    expect(answerQuery(ALL_ENVIRONMENTS, [])).toEqual([]);
  });

  it('matches env ids exactly, not by case or prefix', () => {
    expect(answerQuery('PROD-7G3K9D', all)).toEqual([]);
    expect(answerQuery('prod', all)).toEqual([]);
  });
});
