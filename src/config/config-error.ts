/**
 * A configuration that cannot start, told in one message listing every problem, so one
 * round of fixes is enough. Start-up's own error (the authorizers file's problems beside
 * the variables') is this one too: both read the same.
 */

/** AUTHORIZERS_FILE as the environment gives it, known even when other variables are invalid. */
export interface DeclaredAuthorizersFile {
  readonly path: string;
  /** TOKEN_SOURCE=platform: entries carry no tokens. False when TOKEN_SOURCE itself is invalid. */
  readonly platformTokens: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** The authorizers file declared: start-up checks it too, so that one message names its problems as well. */
    readonly authorizersFile?: DeclaredAuthorizersFile,
  ) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
