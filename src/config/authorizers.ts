/**
 * Where the merchants and their authorizers come from: AUTHORIZERS_FILE, imported at
 * start-up (optional with Redis, which holds the registry; the demo uses its own file).
 */
import { z } from 'zod';
import { optionalString } from './variables.js';

export const authorizersModel = z.object({
  AUTHORIZERS_FILE: optionalString,
});

export type AuthorizersVariables = z.output<typeof authorizersModel>;

export interface AuthorizersConfig {
  /** Undefined in demo mode (the bundled demo file is used) or when Redis holds the registry. */
  readonly authorizersFile: string | undefined;
}

export function authorizersConfig(values: AuthorizersVariables): AuthorizersConfig {
  return { authorizersFile: values.AUTHORIZERS_FILE };
}
