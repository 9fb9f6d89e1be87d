/**
 * GraphQL over HTTP: the spec's own server audit suite (the graphql-http package's
 * serverAudits) against the running subgraph. Every MUST holds; the SHOULD and MAY results
 * are printed, so a change in them shows in the test output.
 */
import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useSubgraphStack } from '../support/stack.js';

const stack = useSubgraphStack();

describe('the GraphQL over HTTP server audits', () => {
  it('hold every MUST, and report the SHOULD and MAY ones', async () => {
    const audits = serverAudits({ url: () => stack.subgraph.url, fetchFn: fetch });
    const results = [];
    for (const audit of audits) results.push(await audit.fn());
    const failedMusts = results.filter((result) => result.name.startsWith('MUST') && result.status !== 'ok').map((result) => `${result.name}: ${'reason' in result ? result.reason : ''}`);
    const recommendations = results.filter((result) => !result.name.startsWith('MUST'));
    console.log(
      [
        `GraphQL over HTTP audits: ${results.filter((result) => result.status === 'ok').length}/${results.length} ok; MUST ${results.length - recommendations.length - failedMusts.length}/${results.length - recommendations.length} ok`,
        ...recommendations.map((result) => `  ${result.status === 'ok' ? 'ok  ' : result.status.padEnd(4)} ${result.name}${result.status === 'ok' ? '' : ` (${'reason' in result ? result.reason : ''})`}`),
      ].join('\n'),
    );
    expect(results.length).toBeGreaterThan(20);
    expect(failedMusts).toEqual([]);
  });
});
