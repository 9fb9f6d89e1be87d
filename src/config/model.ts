/**
 * How the concerns' models are read together, so that every problem is found in one pass:
 * each variable is parsed on its own (one bad value never hides another's problem), then
 * every rule across variables runs on the parsed values, except a rule that reads a
 * variable which failed to parse: that variable's own message already says what is wrong,
 * and the rule would only add noise.
 */
import type { z } from 'zod';
import type { Environment } from './variables.js';

/** The parsed values of a model, the names that failed to parse, and their problems. */
export interface ParsedVariables<V> {
  readonly values: V;
  readonly failed: ReadonlySet<string>;
  readonly problems: readonly string[];
}

/**
 * Parses each of the model's variables on its own. A name in `failed` has no value: the
 * rules that read it are skipped, and nothing is built from it.
 */
export function parseVariables<M extends z.ZodObject>(model: M, env: Environment): ParsedVariables<z.output<M>> {
  const values: Record<string, unknown> = {};
  const failed = new Set<string>();
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(model.shape)) {
    const result = (schema as z.ZodType).safeParse(env[name]);
    if (result.success) values[name] = result.data;
    else {
      failed.add(name);
      problems.push(...result.error.issues.map((issue) => issue.message));
    }
  }
  return { values: values as z.output<M>, failed, problems };
}

/** A rule across variables: the names it reads, and its problem (if any) on their parsed values. */
export interface Rule<V> {
  readonly reads: readonly (keyof V & string)[];
  readonly check: (values: V) => string | false | undefined;
}

/**
 * A maker of rules over `V` whose check sees only the variables the rule names, so that it
 * cannot read one whose failure would not skip it.
 */
export function rulesOver<V>() {
  return <K extends keyof V & string>(reads: readonly K[], check: (values: Pick<V, K>) => string | false | undefined): Rule<V> => ({ reads, check });
}

/** The problems the rules find, in their order; a rule that reads a failed variable is skipped. */
export function checkRules<V>(rules: readonly Rule<V>[], { values, failed }: Pick<ParsedVariables<V>, 'values' | 'failed'>): string[] {
  return rules
    .filter((rule) => !rule.reads.some((name) => failed.has(name)))
    .map((rule) => rule.check(values))
    .filter((problem): problem is string => typeof problem === 'string');
}
