import { describe, expect, it } from 'vitest';
import { parseRid } from '../../src/wechat/rid.js';

describe('parseRid', () => {
  it('parses the rid out of the end of errmsg', () => {
    expect(parseRid('invalid credential, access_token is invalid or not latest rid: 6142cae2-160a288b-589e1ad2')).toBe(
      '6142cae2-160a288b-589e1ad2',
    );
  });

  it('parses the rid when errmsg has text before it with double spaces', () => {
    expect(parseRid('api minute-quota reach limit  mustslower  retry next minute rid: 0a1b2c3d-4e5f6a7b-8c9d0e1f')).toBe(
      '0a1b2c3d-4e5f6a7b-8c9d0e1f',
    );
  });

  it('parses the older hint: [...] form', () => {
    expect(parseRid('invalid credential, access_token is invalid or not latest hint: [abc]')).toBe('abc');
  });

  it('parses a realistic older hint with dashes and digits', () => {
    expect(parseRid('system error hint: [Xb3sKa0170vr43!]')).toBe('Xb3sKa0170vr43!');
  });

  it('answers undefined when errmsg carries no rid', () => {
    expect(parseRid('system error')).toBeUndefined();
  });

  it('answers undefined for an empty errmsg', () => {
    expect(parseRid('')).toBeUndefined();
  });

  it('does not take a word that merely ends in "rid" for a rid', () => {
    expect(parseRid('grid: 1234')).toBeUndefined();
  });
});
