import { GraphQLError, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from '../../src/schema/date-time.js';

describe('DateTime serialize', () => {
  it('prints a Date as RFC 3339 with the China offset', () => {
    expect(DateTimeScalar.serialize(new Date('2019-04-04T06:10:28Z'))).toBe('2019-04-04T14:10:28+08:00');
  });

  it('prints an instant late in the UTC day on the next China day', () => {
    expect(DateTimeScalar.serialize(new Date('2019-04-03T19:00:00Z'))).toBe('2019-04-04T03:00:00+08:00');
  });

  it.each([
    ['a string', '2019-04-04T14:10:28+08:00'],
    ['a number', 1554358228000],
    ['null', null],
    ['an object', {}],
  ])('refuses to serialize %s', (_what, value) => {
    expect(() => DateTimeScalar.serialize(value)).toThrow(GraphQLError);
  });

  it('refuses to serialize an invalid Date', () => {
    expect(() => DateTimeScalar.serialize(new Date('nope'))).toThrow(/not a valid Date/);
  });
});

describe('DateTime parseValue', () => {
  it('accepts an RFC 3339 date-time with an offset', () => {
    expect(DateTimeScalar.parseValue('2019-04-04T14:10:28+08:00')).toEqual(new Date('2019-04-04T06:10:28Z'));
  });

  it('accepts an RFC 3339 date-time in UTC (Z)', () => {
    expect(DateTimeScalar.parseValue('2019-04-04T06:10:28Z')).toEqual(new Date('2019-04-04T06:10:28Z'));
  });

  it('accepts fractional seconds', () => {
    expect(DateTimeScalar.parseValue('2019-04-04T06:10:28.5Z')).toEqual(new Date('2019-04-04T06:10:28.500Z'));
  });

  it('accepts a negative offset', () => {
    expect(DateTimeScalar.parseValue('2019-04-04T02:10:28-04:00')).toEqual(new Date('2019-04-04T06:10:28Z'));
  });

  it.each([
    ['no offset', '2019-04-04T14:10:28'],
    ['WeChat wall-clock text', '2019-04-04 14:10:28'],
    ['a date only', '2019-04-04'],
    ['an offset without a colon', '2019-04-04T14:10:28+0800'],
    ['an offset out of range', '2019-04-04T14:10:28+25:00'],
    ['month 13', '2019-13-04T14:10:28Z'],
    ['an empty string', ''],
    ['a number', 1554358228000],
    ['null', null],
    ['a Date object', new Date('2019-04-04T06:10:28Z')],
  ])('rejects %s with BAD_USER_INPUT', (_what, value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('rejects a day that does not exist instead of rolling it over', () => {
    expect(() => DateTimeScalar.parseValue('2019-02-30T00:00:00Z')).toThrow(GraphQLError);
  });

  it('rejects hour 24', () => {
    expect(() => DateTimeScalar.parseValue('2019-04-04T24:00:00Z')).toThrow(GraphQLError);
  });
});

describe('DateTime parseLiteral', () => {
  it('accepts a string literal', () => {
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2019-04-04T14:10:28+08:00' }, {})).toEqual(
      new Date('2019-04-04T06:10:28Z'),
    );
  });

  it('rejects a non-string literal', () => {
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1554358228' }, {})).toThrow(GraphQLError);
  });
});
