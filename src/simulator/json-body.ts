/**
 * Reading a WeChat request body the way every endpoint does: an empty body is 44002, a body
 * that is not a JSON object is 47001. One reader, so all routes agree on both.
 */

export type JsonBodyReading = { payload: Record<string, unknown> } | { errcode: 44002 | 47001 };

export function readJsonBody(body: string): JsonBodyReading {
  if (body.length === 0) return { errcode: 44002 };
  try {
    const parsed: unknown = JSON.parse(body);
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return isObject ? { payload: parsed as Record<string, unknown> } : { errcode: 47001 };
  } catch {
    return { errcode: 47001 };
  }
}

/** The field's value if it is a non-empty string; WeChat treats anything else as the field missing. */
export function stringField(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
