import { describe, expect, it } from 'vitest';
import { formatChinaTime, parseChinaTime } from '../../src/wechat/china-time.js';

/**
 * Parses and formats with this process running in the given time zone: Node applies a
 * change of process.env.TZ at once (Date and Intl alike), so no second process is needed.
 */
function inTimeZone(timeZone: string, text: string): { instant: string; formatted: string; offsetMinutes: number } {
  const previous = process.env['TZ'];
  process.env['TZ'] = timeZone;
  try {
    const date = parseChinaTime(text)!;
    return { instant: date.toISOString(), formatted: formatChinaTime(date), offsetMinutes: date.getTimezoneOffset() };
  } finally {
    if (previous === undefined) delete process.env['TZ'];
    else process.env['TZ'] = previous;
  }
}

describe('parseChinaTime', () => {
  it('reads a WeChat timestamp as China Standard Time', () => {
    expect(parseChinaTime('2019-04-04 14:10:28')?.toISOString()).toBe('2019-04-04T06:10:28.000Z');
  });

  it('moves a time before 08:00 China time to the previous UTC day', () => {
    expect(parseChinaTime('2019-04-04 03:00:00')?.toISOString()).toBe('2019-04-03T19:00:00.000Z');
  });

  it('crosses a year boundary backwards', () => {
    expect(parseChinaTime('2020-01-01 00:00:00')?.toISOString()).toBe('2019-12-31T16:00:00.000Z');
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseChinaTime('2024-02-29 12:00:00')?.toISOString()).toBe('2024-02-29T04:00:00.000Z');
  });

  it.each([
    ['a day that does not exist', '2019-02-30 00:00:00'],
    ['29 February outside a leap year', '2019-02-29 00:00:00'],
    ['31 April', '2019-04-31 00:00:00'],
    ['month 13', '2019-13-01 00:00:00'],
    ['month 00', '2019-00-10 00:00:00'],
    ['day 00', '2019-04-00 00:00:00'],
    ['hour 24', '2019-04-04 24:00:00'],
    ['minute 60', '2019-04-04 14:60:00'],
    ['second 60', '2019-04-04 14:10:60'],
    ['ISO form with T', '2019-04-04T14:10:28'],
    ['ISO form with an offset', '2019-04-04T14:10:28+08:00'],
    ['a trailing offset', '2019-04-04 14:10:28+08:00'],
    ['milliseconds', '2019-04-04 14:10:28.123'],
    ['no seconds', '2019-04-04 14:10'],
    ['single-digit fields', '2019-4-4 14:10:28'],
    ['surrounding spaces', ' 2019-04-04 14:10:28 '],
    ['a trailing newline', '2019-04-04 14:10:28\n'],
    ['an empty string', ''],
    ['text', 'yesterday'],
    ['a letter among the digits', '2019-04-04 14:10:2a'],
    ['a sign among the digits', '2019-+4-04 14:10:28'],
    ['full-width digits', '２０１９-04-04 14:10:28'],
    ['other separators', '2019/04/04 14:10:28'],
  ])('refuses %s', (_what, text) => {
    expect(parseChinaTime(text)).toBeUndefined();
  });

  // Date.UTC reads years 0–99 as 1900–1999: 0019 would quietly become 1919. No WeChat time is
  // that old, so years before 1000 are refused rather than read; 1000 is the first one read.
  it('refuses a year before 1000 instead of moving a year below 100 into the 1900s', () => {
    expect(parseChinaTime('0019-04-04 14:10:28')).toBeUndefined();
    expect(parseChinaTime('0999-12-31 23:59:59')).toBeUndefined();
  });

  it('reads year 1000, the first it accepts, as year 1000', () => {
    expect(parseChinaTime('1000-01-01 08:00:00')?.toISOString()).toBe('1000-01-01T00:00:00.000Z');
  });
});

describe('formatChinaTime', () => {
  it('prints the instant as China wall-clock time with +08:00', () => {
    expect(formatChinaTime(new Date('2019-04-04T06:10:28Z'))).toBe('2019-04-04T14:10:28+08:00');
  });

  it('moves an evening UTC instant to the next China day', () => {
    expect(formatChinaTime(new Date('2019-04-03T19:00:00Z'))).toBe('2019-04-04T03:00:00+08:00');
  });

  it('drops milliseconds', () => {
    expect(formatChinaTime(new Date('2019-04-04T06:10:28.999Z'))).toBe('2019-04-04T14:10:28+08:00');
  });

  it('agrees with the ISO text of the shifted instant from year 1000 to 9999', () => {
    const first = Date.UTC(1000, 0, 1);
    const last = Date.UTC(9999, 11, 31, 15, 59, 59);
    // A stride of no round number of minutes, hours or days walks through every month, day, hour, minute and second.
    // Mismatches are collected and compared once: an expect per instant costs seconds.
    const mismatches: string[] = [];
    let checked = 0;
    for (let time = first; time <= last; time += 2_718_281_000) {
      const expected = `${new Date(time + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
      const formatted = formatChinaTime(new Date(time));
      if (formatted !== expected) mismatches.push(`${formatted} ≠ ${expected}`);
      checked += 1;
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('gives back the WeChat wall clock it was parsed from, across midnight', () => {
    const date = parseChinaTime('2019-04-04 03:00:00');
    expect(date && formatChinaTime(date)).toBe('2019-04-04T03:00:00+08:00');
  });
});

describe('independence from the process time zone', () => {
  const expected = { instant: '2019-04-04T06:10:28.000Z', formatted: '2019-04-04T14:10:28+08:00' };

  it('gives the same instant and text in America/New_York', () => {
    const result = inTimeZone('America/New_York', '2019-04-04 14:10:28');
    // Proves the code really ran in New York (EDT, UTC-4) rather than inheriting our zone.
    expect(result.offsetMinutes).toBe(240);
    expect({ instant: result.instant, formatted: result.formatted }).toEqual(expected);
  });

  it('gives the same instant and text in Asia/Shanghai', () => {
    const result = inTimeZone('Asia/Shanghai', '2019-04-04 14:10:28');
    expect(result.offsetMinutes).toBe(-480);
    expect({ instant: result.instant, formatted: result.formatted }).toEqual(expected);
  });
});
