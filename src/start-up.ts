/**
 * Start-up checks everything before it starts anything: the variables and AUTHORIZERS_FILE
 * (every bad entry named) are read and validated first, with the component credentials
 * the file's entries need, and every problem found is reported in one message, before a
 * simulator, a store connection or a log line exists. What passes is a plan app.ts
 * starts; in demo mode it holds the embedded simulator's module, loaded only then (a
 * production process never loads it). main.ts and the boot tests run the same check.
 */
import { AuthorizersFileError, type AuthorizersFileEntry, readAuthorizersFile } from './authorizers/authorizers-file.js';
import { type Config, ConfigError, type Environment, loadConfig, passwordsOf } from './config/index.js';

/** What start-up has checked, and what to start in demo mode. */
export interface StartPlan {
  /** AUTHORIZERS_FILE's entries, validated. */
  readonly entries: readonly AuthorizersFileEntry[];
  readonly authorizersFile: string | undefined;
  readonly component: { readonly appId: string; readonly appSecret: string } | undefined;
  readonly verifyTicket: string | undefined;
  /** The event receiver's message token and EncodingAESKey, when it is on. */
  readonly componentEvents: { readonly messageToken: string; readonly encodingAesKey: string } | undefined;
  /** Demo mode: starts the embedded simulator. */
  readonly simulator: { start(): Promise<DemoSimulator> } | undefined;
}

/** The embedded simulator as app.ts drives it in demo mode. */
export interface DemoSimulator {
  readonly baseUrl: string;
  /** Makes `target` the event URL, as WeChat's console does: the ticket is pushed there at the demo's interval, and at once when asked (api_start_push_ticket). */
  registerEventUrl(target: { url: string; messageToken: string; encodingAesKey: string }): void;
  stop(): Promise<void>;
}

/** Everything that stops start-up, named at once: the variables' problems and the authorizers file's, told as the configuration's are. */
export class StartupError extends ConfigError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'StartupError';
  }
}

/** The authorizers file's entries; its problems go on the list (an unreadable or invalid file is a problem, not a crash). */
async function readEntries(file: string | undefined, problems: string[], platformTokens: boolean): Promise<AuthorizersFileEntry[]> {
  if (file === undefined) return [];
  try {
    return await readAuthorizersFile(file, { platformTokens });
  } catch (error) {
    if (!(error instanceof AuthorizersFileError)) throw error;
    problems.push(...error.problems);
    return [...error.validEntries];
  }
}

/** Plans the start of a valid configuration; throws a StartupError naming every problem of the authorizers file. */
export async function planStart(config: Config): Promise<StartPlan> {
  const demo = config.demo ? await import('./simulator/index.js') : undefined;
  const authorizersFile = config.authorizersFile ?? demo?.DEMO_AUTHORIZERS_FILE;
  const component = config.component ?? (demo && { appId: demo.DEMO_COMPONENT.appId, appSecret: demo.DEMO_COMPONENT.appSecret });
  const problems: string[] = [];
  const platformTokens = config.tokens.platform !== undefined;
  const entries = await readEntries(authorizersFile, problems, platformTokens);
  // Without a fixed token, access tokens are minted here: from the file's refresh token, or the one an `authorized` push stores.
  if (!component && !platformTokens && entries.some((entry) => entry.authorizerAccessToken === undefined)) {
    problems.push(
      `AUTHORIZERS_FILE ${authorizersFile}: entries without authorizerAccessToken need WECHAT_COMPONENT_APPID and WECHAT_COMPONENT_APPSECRET to mint access tokens`,
    );
  }
  if (problems.length > 0) throw new StartupError(problems);
  return {
    entries,
    authorizersFile,
    component,
    // In demo mode no ticket is given: the subgraph asks the simulator to push one (api_start_push_ticket), as it asks WeChat.
    verifyTicket: config.verifyTicket,
    componentEvents: config.componentEvents ?? demo?.DEMO_COMPONENT_EVENTS,
    simulator: demo && {
      async start() {
        const simulator = new demo.WechatSimulator(demo.demoSimulatorOptions());
        return {
          baseUrl: await simulator.start(),
          registerEventUrl: (target) => simulator.pushes.registerEventUrl(target, demo.DEMO_TICKET_PUSH_INTERVAL_MS),
          stop: () => simulator.stop(),
        };
      },
    },
  };
}

/** Checks the whole environment (`env`, else the process's); throws one StartupError listing every problem of the variables and the authorizers file. */
export async function checkStartup(env?: Environment): Promise<{ config: Config; plan: StartPlan }> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The file is checked too, so one round of fixes is enough.
    const problems = [...error.problems];
    const declared = error.authorizersFile;
    if (declared) await readEntries(declared.path, problems, declared.platformTokens);
    throw new StartupError(problems);
  }
  return { config, plan: await planStart(config) };
}

/**
 * The secrets this process holds by value, from its configuration (or the demo's): scrubbed
 * from anything logged, wherever they appear. Tokens that come and go (tickets, minted and
 * refresh tokens, authorization codes) are scrubbed by name instead.
 */
export function secretValuesOf(config: Config, plan: StartPlan): Array<string | undefined> {
  return [
    plan.component?.appSecret,
    plan.verifyTicket,
    plan.componentEvents?.messageToken,
    plan.componentEvents?.encodingAesKey,
    config.routerSecret,
    config.tokens.platform?.http?.secret,
    ...passwordsOf(config.store.redis),
    ...passwordsOf(config.tokens.platform?.redis?.topology),
  ];
}
