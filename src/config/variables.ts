/**
 * How one environment variable is read, the pieces every concern's model is made of: a
 * blank value is an unset one, numbers are whole and within a stated range, URLs and
 * origins say what they must look like. Each bad value becomes one message naming the
 * variable, the rule and (for numbers) the value; secrets are never echoed.
 */
import { z } from 'zod';

/** The environment as read: process.env, or a test's own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A whole number from `min` to `max`; unset or blank: undefined. */
export const optionalInteger = (name: string, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
      if (!(parsed >= min && parsed <= max)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

/** A whole number from `min` to `max`; unset or blank: `fallback`. */
export const integer = (name: string, min: number, max: number, fallback: number) => optionalInteger(name, min, max).transform((value) => value ?? fallback);

/** `true` or `false`; unset or blank: undefined. */
export const optionalBoolean = (name: string) =>
  z
    .enum(['true', 'false', ''], { message: `${name} must be true or false` })
    .optional()
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : undefined));

/** The trimmed value; unset or blank: undefined. */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** An optional value that, when set, must match `pattern`. */
export const optionalMatching = (pattern: RegExp, message: string) => optionalString.refine((value) => value === undefined || pattern.test(value), message);

/** A value with a default, which must match `pattern`. */
export const stringWithDefault = (fallback: string, pattern: RegExp, message: string) =>
  optionalString.transform((value) => value ?? fallback).refine((value) => pattern.test(value), message);

/** An http(s) origin: scheme, host and port, no path or query (a trailing slash is dropped). */
export const HTTP_ORIGIN = /^https?:\/\/[^/?#]+\/?$/;
export const HTTP_URL = /^https?:\/\/[^\s]+$/;
export const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

/** An optional http(s) origin, without its trailing slash. */
export const httpOrigin = (message: string) => optionalMatching(HTTP_ORIGIN, message).transform(withoutTrailingSlash);

export function withoutTrailingSlash<T extends string | undefined>(value: T): T {
  return value?.replace(/\/$/, '') as T;
}

/** The `{name}` placeholders in a template. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]!);
}

/** Loopback hosts: a sidecar on the same pod or machine, which no network path reaches in between. */
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** Whether `url` is https, or http to a loopback host. */
export function tlsOrLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || LOOPBACK_HOST.test(hostname);
  } catch {
    // Its own variable's check says what is wrong with it.
    return true;
  }
}

/** The scheme, host and port of `url`, for a message: never its path, query or credentials. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}
