/**
 * DateTime: an RFC 3339 instant. WeChat's times are China time, so they are printed with
 * their +08:00 offset (the wall clock merchants see in the WeChat console) while still
 * denoting the exact instant for any client that parses them.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { INPUT_RULES } from '../errors/error-codes.js';
import { formatChinaTime, isSameWallClock } from '../wechat/china-time.js';

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function parseInstant(value: unknown): Date {
  const date = typeof value === 'string' && RFC_3339.test(value) ? new Date(value) : undefined;
  if (!date || !isSameWallClock(wallClockOf(date, value as string), value as string)) {
    throw new GraphQLError(INPUT_RULES['date-time'].message, { extensions: { code: INPUT_RULES['date-time'].code } });
  }
  return date;
}

/** The instant moved by the text's own offset, so its UTC fields are the wall clock the text shows. */
function wallClockOf(date: Date, text: string): Date {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return new Date(date.getTime() + minutes * 60_000);
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an RFC 3339 date-time with offset, e.g. 2019-04-04T14:10:28+08:00 (WeChat times are China Standard Time).',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return formatChinaTime(value);
    throw new GraphQLError('DateTime cannot represent a value that is not a valid Date');
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    return parseInstant(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
