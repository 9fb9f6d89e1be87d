/**
 * One pino logger for the subgraph, Apollo Server and the HTTP framework alike. Secrets
 * are scrubbed by the logger itself, so a careless log call cannot leak one: every string
 * of a line (its message, its fields, at any depth) goes through the scrubber, fields with
 * a secret's name are censored at any depth, and a logged error's message, stack, causes
 * and fields are scrubbed the same way (observability/scrub-secrets.ts says what a secret
 * looks like).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { CENSOR, isSecretName, scrubSecrets } from './observability/scrub-secrets.js';

/** Header paths pino redacts itself (fixed paths cost it next to nothing), should a request object be logged whole. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["router-authorization"]'];

/** Objects nested deeper than this are not logged: a log line is not a heap dump, and nothing unscrubbed slips through below. */
const MAX_DEPTH = 8;
const TOO_DEEP = '[nested too deep to log]';

/** Each field name's verdict, remembered: a line's keys come from a small set, and a Map look-up costs less than the regexp. */
const secretNames = new Map<string, boolean>();
function isSecretField(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = isSecretName(key);
    if (secretNames.size < 10_000) secretNames.set(key, secret);
  }
  return secret;
}

/** A number, a boolean or nothing: never a secret, whatever its field is called (`withoutRefreshToken: 1`). */
const isNeverSecret = (value: unknown) => value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean';
const censors = (key: string, value: unknown) => isSecretField(key) && !isNeverSecret(value);

const isPlain = (value: object) => {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * `value` with its secrets censored: strings scrubbed, secret-named fields censored,
 * errors serialized and scrubbed; plain objects and arrays at any depth, other objects
 * (class instances) their own fields only. A copy where anything changed, else the value.
 */
function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (value instanceof Error) return serializeError(value, depth);
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const scrubbed = scrubValue(item, depth + 1);
      if (scrubbed !== item) (copy ??= [...value])[index] = scrubbed;
    });
    return copy ?? value;
  }
  const deep = isPlain(value);
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    const scrubbed = censors(key, field) ? CENSOR : deep || typeof field === 'string' ? scrubValue(field, depth + 1) : field;
    if (scrubbed !== field) (copy ??= { ...value })[key] = scrubbed;
  }
  return copy ?? value;
}

/**
 * An error as pino's serializer writes it (type, message and stack with every cause's
 * appended, its own fields, nested errors), then scrubbed: the message and stack as text,
 * the fields as any logged value. A string logged as `err` is scrubbed as text.
 */
function serializeError(error: unknown, depth = 0): unknown {
  if (typeof error === 'string') return scrubSecrets(error);
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const fields = serialized as Record<string, unknown>;
  for (const key of Object.keys(fields)) fields[key] = censors(key, fields[key]) ? CENSOR : scrubValue(fields[key], depth + 1);
  return fields;
}

/**
 * A log call's message and interpolated arguments, scrubbed (its first object is a line's
 * fields, scrubbed below). Without a message, pino takes the error's own (a logged error
 * alone, or `{ err }`): it is given here, scrubbed, since pino would write it as it is.
 */
function scrubArguments(this: Logger, args: unknown[], method: (...args: unknown[]) => void): void {
  const [first] = args;
  if (args.length === 1 && typeof first === 'object' && first !== null) {
    const error = first instanceof Error ? first : (first as { err?: unknown; msg?: unknown }).msg === undefined ? (first as { err?: unknown }).err : undefined;
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return method.call(this, first, scrubSecrets(message));
  }
  method.apply(
    this,
    args.map((arg, index) => (typeof arg === 'string' ? scrubSecrets(arg) : index > 0 ? scrubValue(arg, 0) : arg)),
  );
}

/**
 * What a log line's own fields become before pino writes them. `err` is left whole for
 * pino's error serializer (serializeError), which scrubs it in turn.
 */
function scrubFields(object: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = object[key];
    scrubbed[key] = key === 'err' ? value : censors(key, value) ? CENSOR : scrubValue(value, 0);
  }
  return scrubbed;
}

export interface LoggerOptions {
  readonly level: string;
  /** Human-readable lines for a developer's terminal instead of JSON. */
  readonly pretty?: boolean;
  /** Where JSON lines go (tests capture them); stdout by default. */
  readonly destination?: DestinationStream;
}

/**
 * pino runs `formatters.bindings` on the root logger's base only, never on a child's
 * bindings: children are made through this instead, which scrubs their bindings as a
 * line's own fields are. Every descendant inherits it, since pino makes each child from
 * its parent's prototype.
 */
function scrubbingChildBindings(logger: Logger): Logger {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, scrubFields(bindings), childOptions);
  } as Logger['child'];
  return logger;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: { err: serializeError },
    hooks: { logMethod: scrubArguments },
    formatters: { log: scrubFields },
    base: { service: 'cloud-environments' },
  };
  if (options.pretty && !options.destination) {
    return scrubbingChildBindings(
      pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } }),
    );
  }
  return scrubbingChildBindings(options.destination ? pino(base, options.destination) : pino(base));
}
