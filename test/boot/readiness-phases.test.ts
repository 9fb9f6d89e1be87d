/**
 * /readyz answers 503 only while the replica starts or drains: while starting it is
 * listening, but the first round of dependency checks has not said yet what is degraded;
 * once that round is done it is ready, whatever the round found.
 */
import { describe, expect, it } from 'vitest';
import { startSubgraph } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { IdentityProvider, signingKey } from '../support/identity-provider.js';
import { captureLogs } from '../support/log-capture.js';
import { type Readiness, degradedReason, readiness } from '../support/readiness.js';
import { freePort } from '../support/redis-server.js';

describe('readiness while starting', () => {
  it('answers 503 "starting" until the first round of checks is done, then 200 with what it found', async () => {
    const idp = new IdentityProvider([await signingKey('ES256', 'ec-phases')]);
    const jwksUrl = await idp.start();
    idp.hang(true); // the first round waits for the key set for the whole interval
    const port = await freePort();
    const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), AUTHORIZATION: 'subgraph', AUTH_JWKS_URL: jwksUrl, DEPENDENCY_CHECK_INTERVAL_MS: '1500' });
    const starting = startSubgraph(config, captureLogs('silent').logger);
    try {
      let early: Readiness | undefined;
      while (!early) {
        early = await readiness(`http://127.0.0.1:${port}/`).catch(() => undefined);
        if (!early) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(early).toEqual({ status: 503, body: { status: 'starting', degraded: [] } });
      const ready = await readiness((await starting).url);
      expect(ready.status).toBe(200);
      expect(degradedReason(ready, 'jwks')).toMatch(/^did not answer within 1500 ms/);
    } finally {
      idp.hang(false);
      await starting.then((subgraph) => subgraph.close()).catch(() => undefined);
      await idp.stop();
    }
  });
});
