/**
 * WeChat writes times as "YYYY-MM-DD HH:mm:ss" with no offset; they are China Standard
 * Time (UTC+8, no daylight saving). Reading them in the server's zone would shift every
 * instant, so they are parsed and printed against the fixed offset.
 */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const WECHAT_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** The instant a WeChat timestamp denotes, or undefined when the text is not one. */
export function parseChinaTime(text: string): Date | undefined {
  const match = WECHAT_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(utc - CHINA_OFFSET_MS);
  // Date.UTC rolls 2019-02-30 over into March; a real timestamp survives the round trip.
  const roundTrip = new Date(utc);
  if (roundTrip.getUTCDate() !== day || roundTrip.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return date;
}

/** RFC 3339 in China time, e.g. 2019-04-04T14:10:28+08:00: the same wall clock WeChat shows. */
export function formatChinaTime(date: Date): string {
  return `${new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
