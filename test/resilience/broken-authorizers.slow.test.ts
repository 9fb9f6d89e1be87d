/**
 * The scenario at full length, as an operator measured it: one subgraph with
 * WECHAT_TIMEOUT_MS=800, CLOUDENV_CACHE_TTL_MS=500 and WECHAT_CIRCUIT_RESET_MS=2000; 18
 * authorizers (10 healthy, 2 whose every other call answers -1, 6 that always fail, one
 * each way); one operation for all 18 merchants every 250 ms for 16 s. Before per-authorizer
 * back-off, 321 of 630 healthy fields failed and the broken six cost 97 calls in the last 8 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, HELD_BACK_TEXT, FLAKY, HEALTHY, type ScenarioReport, describeScenario, runBrokenAuthorizersScenario } from '../support/broken-authorizers.js';

const DURATION_MS = 16_000;
let report: ScenarioReport;

beforeAll(async () => {
  report = await runBrokenAuthorizersScenario({ durationMs: DURATION_MS, intervalMs: 250 });
  console.log(describeScenario(report, DURATION_MS));
}, 60_000);
afterAll(async () => {
  await report?.stack.stop();
});

describe('16 s of a few broken authorizers among healthy ones', () => {
  it('leaves every healthy field data in every operation', () => {
    expect(report.operations).toBe(DURATION_MS / 250);
    for (const key of HEALTHY) expect(report.fields.get(key), key).toEqual({ data: report.operations, errors: [] });
  });

  it('serves the every-other-call -1 merchants every time', () => {
    for (const key of FLAKY) expect(report.fields.get(key), key).toEqual({ data: report.operations, errors: [] });
  });

  it('gives each broken merchant its own code in every operation', () => {
    for (const broken of BROKEN) {
      const { data, errors } = report.fields.get(broken.key)!;
      expect({ data, errors: errors.length }, broken.key).toEqual({ data: 0, errors: report.operations });
      for (const error of errors) {
        expect(error, broken.key).toMatchObject({ code: broken.code, retryable: true });
        // Its failure's own text, or (its code kept) the held-back one.
        expect(broken.message.test(error.message) || HELD_BACK_TEXT.test(error.message), `${broken.key}: ${error.message}`).toBe(true);
      }
    }
  });

  it("calls the broken authorizers at the back-off's rate: one probe per back-off, the back-off doubling from 1 s", () => {
    // Probes start at least 0.5, 1, 2, 4, 8 s apart (jitter keeps half of each back-off at
    // least), so at most 3 fall in the last 8 s, each a single call.
    for (const [key, calls] of report.lateCallsByBroken) expect(calls, key).toBeLessThanOrEqual(3);
  });
});
