/**
 * Start-up's last words (main.ts's message on stderr) are scrubbed as a log line is: a
 * subgraph whose listener fails with an error quoting every secret it holds (configured
 * ones bare, the others under their names) says why it cannot start and quotes none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTemporaryAuthorizersFile, type TemporaryAuthorizersFile } from '../../tools/simulated-wechat-env.js';
import { ALL_SECRETS, CONFIGURED_SECRETS, secretsIn } from '../support/secret-error.js';
import { spawnSubgraph } from '../support/spawn-subgraph.js';
import { registerSecrets } from '../support/suite-capture.js';

registerSecrets(...ALL_SECRETS);

let file: TemporaryAuthorizersFile;
beforeAll(async () => {
  file = await writeTemporaryAuthorizersFile([{ merchantId: 'm_1', authorizerAppId: 'wx0000000000000001', authorizerAccessToken: 'fixed-token-start-up-3e1c' }]);
});
afterAll(() => file?.remove());

describe('a start-up that fails with an error quoting every secret', () => {
  it('exits 1 saying why, with every secret censored', async () => {
    const subgraph = spawnSubgraph(
      {
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        WECHAT_API_BASE_URL: 'http://127.0.0.1:9',
        AUTHORIZERS_FILE: file.path,
        WECHAT_COMPONENT_APPID: 'wx00d0d0d0d0d0d0d0',
        ...CONFIGURED_SECRETS,
      },
      './listen-fails-with-secrets.ts',
    );
    expect(await subgraph.exited).toBe(1);
    const output = subgraph.output();
    expect(output).toMatch(/cloud-environments subgraph cannot start\.\nGET \/tcb\/getenvinfo\?access_token=\[REDACTED\] failed for Authorization: Bearer \[REDACTED\]; secrets \[REDACTED\] \[REDACTED\]/);
    expect(secretsIn(output)).toEqual([]);
  }, 60_000);
});
