/**
 * The short soak, as CI runs it: 600 operations at concurrency 32 through a real gateway
 * with 20% of getenvinfo calls faulted at random. Every check of the full `npm run soak`
 * applies; the RSS bound is the same one, though without --expose-gc it only catches gross
 * growth.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakReport } from '../../tools/soak.js';

const OPERATIONS = 600;
const AUTHORIZERS = 8;
let report: SoakReport;

beforeAll(async () => {
  report = await runSoak({ operations: OPERATIONS, concurrency: 32, faultFraction: 0.2, merchants: 24, authorizers: AUTHORIZERS, seed: 7 });
}, 90_000);

describe('soak (CI variant)', () => {
  it('answers every field with its merchant’s data or a known error code, and nothing else goes wrong', () => {
    expect(report.failures).toEqual([]);
  });

  it('completes every operation', () => {
    expect(report.operations).toBe(OPERATIONS);
    expect(report.merchantFields).toBeGreaterThan(OPERATIONS * 3);
  });

  it('meets faults on the way and turns them into the codes they stand for', () => {
    expect(report.upstream.faultsInjected).toBeGreaterThan(0);
    const faultCodes = Object.keys(report.errorsByCode).filter((code) => code !== 'MERCHANT_NOT_AUTHORIZED');
    expect(faultCodes).not.toEqual([]);
    expect(report.cloudEnvironments.data).toBeGreaterThan(report.cloudEnvironments.error);
  });

  it('calls the token endpoints no more than single-flight needs', () => {
    expect(report.upstream.componentTokenCalls).toBe(1);
    expect(report.upstream.authorizerTokenCalls).toBe(AUTHORIZERS);
  });

  it('keeps RSS within the documented bound', () => {
    expect(report.rss.afterBytes).toBeLessThanOrEqual(report.rss.boundBytes);
  });
});
