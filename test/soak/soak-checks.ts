/**
 * The soak's checks, shared by its two sizes: the short run in `npm test` (soak.test.ts)
 * and the full size `npm run soak` runs by default, in `npm run test:slow`
 * (soak.slow.test.ts). Every check of `npm run soak` applies to both; the RSS bound is
 * meaningful only when node runs with --expose-gc (the slow project does) and a run long
 * enough to grow.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakOptions, type SoakReport } from '../../tools/soak.js';

export function describeSoak(title: string, options: SoakOptions, timeoutMs: number): void {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak(options);
  }, timeoutMs);

  describe(title, () => {
    it('answers every field with its merchant’s data or a known error code, and nothing else goes wrong', () => {
      expect(report.failures).toEqual([]);
    });

    it('completes every operation', () => {
      expect(report.operations).toBe(options.operations);
      expect(report.merchantFields).toBeGreaterThan(options.operations * 3);
    });

    it('meets faults on the way and turns them into the codes they stand for: an error, or the last good answer standing in', () => {
      expect(report.upstream.faultsInjected).toBeGreaterThan(0);
      const faultCodes = Object.keys(report.errorsByCode).filter((code) => code !== 'MERCHANT_NOT_AUTHORIZED');
      expect([...faultCodes, ...Object.keys(report.staleByReason)]).not.toEqual([]);
      expect(report.cloudEnvironments.data).toBeGreaterThan(report.cloudEnvironments.error);
    });

    it('answers at least 99.5% of the authorized merchants’ fields with data, their own last good answer where a fault struck', () => {
      const { fields, withData } = report.cloudEnvironments.authorized;
      expect(fields).toBeGreaterThan(options.operations);
      expect(withData / fields).toBeGreaterThanOrEqual(0.995);
      // At full size faults surely outlast their retries after an answer was kept; a short
      // run may heal every one by a retry, or meet one before anything was kept.
      if (options.operations >= 1_000) expect(report.cloudEnvironments.stale).toBeGreaterThan(0);
    });

    it('calls the token endpoints no more than single-flight needs', () => {
      expect(report.upstream.componentTokenCalls).toBe(1);
      expect(report.upstream.authorizerTokenCalls).toBe(options.authorizers);
    });

    it('keeps RSS within the documented bound', () => {
      expect(report.rss.afterBytes).toBeLessThanOrEqual(report.rss.boundBytes);
    });
  });
}
