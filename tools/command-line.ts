/**
 * The command line of every tool a person runs, read the same way: node's util.parseArgs,
 * strict, with `--help` (`-h`) printing the tool's usage and exiting 0, and a wrong call (an
 * unknown flag, a flag without its value, a stray argument, a bad value) answered with what
 * was wrong and the usage on stderr and exit code 2, never a stack trace.
 */
import { parseArgs } from 'node:util';

export interface Tool {
  /** How a person calls it, e.g. `npm run bench`: the start of every message it prints. */
  readonly name: string;
  /** Printed for --help and after a wrong call. */
  readonly usage: string;
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** The tool's flags and positionals from `args` (the process's own by default); exits for --help and for a wrong call. */
export function readCommandLine<const O extends Options = Record<never, never>>(tool: Tool & { readonly options?: O; readonly allowPositionals?: boolean }, args = process.argv.slice(2)) {
  const config = { args, options: { ...tool.options, ...HELP } as O & typeof HELP, allowPositionals: tool.allowPositionals === true, strict: true } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    // node adds how to pass a positional that starts with "-" to an unknown option's message: no tool here takes one.
    refuseCommandLine(tool, (error as Error).message.replace(/\. To specify a positional argument .*$/s, ''));
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${tool.usage}\n`);
    process.exit(0);
  }
  return parsed;
}

/** Says what was wrong with the call and how to call the tool, and exits 2. */
export function refuseCommandLine(tool: Tool, problem: string): never {
  process.stderr.write(`${tool.name}: ${problem}\n\n${tool.usage}\n`);
  process.exit(2);
}

/**
 * A flag's value as a number (`fallback` when the flag is absent), or with `whole`, a whole
 * number of at least `min`; refuses anything else, naming the flag and an example.
 */
export function numberFlag(tool: Tool, flag: string, raw: string | undefined, fallback: number, rule: { readonly whole?: boolean; readonly min?: number } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const min = rule.min ?? Number.NEGATIVE_INFINITY;
  const valid = raw.trim() !== '' && Number.isFinite(value) && (!rule.whole || Number.isInteger(value)) && value >= min;
  const what = `${rule.whole ? 'a whole number' : 'a number'}${Number.isFinite(min) ? ` of at least ${min}` : ''}`;
  if (!valid) refuseCommandLine(tool, `--${flag} takes ${what}, e.g. --${flag} ${fallback} (got "${raw}")`);
  return value;
}
