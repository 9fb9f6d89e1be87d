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
  const wallClock = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  if (!isSameWallClock(wallClock, text.replace(' ', 'T'))) return undefined;
  return new Date(wallClock.getTime() - CHINA_OFFSET_MS);
}

/**
 * True when `date`, printed in UTC, shows the wall clock `yyyy-mm-ddThh:mm:ss` begins
 * with. Date quietly rolls impossible times over (2019-02-30 becomes March 2, 24:00
 * the next day); a real time survives the round trip.
 */
export function isSameWallClock(date: Date, text: string): boolean {
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === text.slice(0, 19);
}

/** RFC 3339 in China time, e.g. 2019-04-04T14:10:28+08:00: the same wall clock WeChat shows. */
export function formatChinaTime(date: Date): string {
  return `${new Date(date.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
