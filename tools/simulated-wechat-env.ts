/**
 * What points a subgraph at the WeChat simulator in development runs (the soak, the
 * benchmark, the tests): a temporary AUTHORIZERS_FILE, and the config variables that name
 * the simulator and its component account.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthorizersFileEntry } from '../src/authorizers/authorizers-file.js';
import type { SimulatedComponent } from '../src/simulator/index.js';

export interface TemporaryAuthorizersFile {
  readonly path: string;
  /** Deletes the file and its folder. */
  remove(): Promise<void>;
}

/** `merchants` as an AUTHORIZERS_FILE in a fresh folder under the system's temporary directory. */
export async function writeTemporaryAuthorizersFile(merchants: readonly AuthorizersFileEntry[]): Promise<TemporaryAuthorizersFile> {
  const directory = await mkdtemp(join(tmpdir(), 'authorizers-'));
  const path = join(directory, 'authorizers.json');
  await writeFile(path, JSON.stringify({ merchants }));
  return { path, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** The config variables for a subgraph served by the simulator at `simulatorUrl`, minting tokens from `component` when given. */
export function simulatedWechatEnv(simulatorUrl: string, authorizersFile: string, component: SimulatedComponent | undefined): Record<string, string> {
  return {
    WECHAT_API_BASE_URL: simulatorUrl,
    AUTHORIZERS_FILE: authorizersFile,
    ...(component && {
      WECHAT_COMPONENT_APPID: component.appId,
      WECHAT_COMPONENT_APPSECRET: component.appSecret,
      WECHAT_COMPONENT_VERIFY_TICKET: component.verifyTicket,
    }),
  };
}
