/**
 * `npm start` with a bad AUTHORIZATION: the process stops before anything starts, naming
 * every problem. Slow (a process of its own), so it runs in `npm run test:slow`.
 */
import { describe, expect, it } from 'vitest';
import { spawnSubgraph } from '../support/spawn-subgraph.js';

describe('start-up', () => {
  it('stops with an unknown AUTHORIZATION mode and a missing AUTH_JWKS_URL both named', { timeout: 60_000 }, async () => {
    const subgraph = spawnSubgraph({ PORT: '0', AUTHORIZATION: 'subgraph,gateway' });
    expect(await subgraph.exited).toBe(1);
    expect(subgraph.output()).toMatch(/AUTHORIZATION must be empty or a comma-separated list of router and subgraph .*got "gateway"/);
    expect(subgraph.output()).toMatch(/AUTHORIZATION=subgraph needs AUTH_JWKS_URL/);
  });
});
