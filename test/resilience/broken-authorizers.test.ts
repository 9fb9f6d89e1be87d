/**
 * A few broken authorizers never cost healthy merchants their data (the short run of the
 * scenario; broken-authorizers.slow.test.ts runs it for 16 s): every healthy field is data
 * in every operation, a merchant whose retry succeeds is data every time, each broken
 * merchant keeps its own code while it is held back, and the operator sees it in /metrics
 * and one warning line per authorizer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, HELD_BACK_TEXT, FLAKY, HEALTHY, type ScenarioReport, describeScenario, runBrokenAuthorizersScenario } from '../support/broken-authorizers.js';
import { tokenFor } from '../support/merchants.js';
import { captureOutput } from '../support/suite-capture.js';

const DURATION_MS = 3_000;
let report: ScenarioReport;
let metrics: string;

beforeAll(async () => {
  report = await runBrokenAuthorizersScenario({ durationMs: DURATION_MS, intervalMs: 250 });
  console.log(describeScenario(report, DURATION_MS));
  metrics = await (await fetch(new URL('/metrics', report.stack.subgraph.url))).text();
  captureOutput(metrics);
}, 30_000);
afterAll(async () => {
  await report?.stack.stop();
});

describe('a few broken authorizers among healthy ones', () => {
  it('leaves every healthy field data in every operation', () => {
    expect(report.operations).toBe(DURATION_MS / 250);
    for (const key of HEALTHY) expect(report.fields.get(key), key).toEqual({ data: report.operations, errors: [] });
  });

  it('serves the merchants whose every other call answers -1 every time (their retry succeeds)', () => {
    for (const key of FLAKY) expect(report.fields.get(key), key).toEqual({ data: report.operations, errors: [] });
  });

  it('gives each broken merchant its own code in every operation, retryable', () => {
    for (const broken of BROKEN) {
      const tally = report.fields.get(broken.key)!;
      expect(tally.data, broken.key).toBe(0);
      expect(tally.errors, broken.key).toHaveLength(report.operations);
      for (const error of tally.errors) {
        expect(error, broken.key).toMatchObject({ code: broken.code, retryable: true });
        // Its failure's own text, or (its code kept) the held-back one.
        expect(broken.message.test(error.message) || HELD_BACK_TEXT.test(error.message), `${broken.key}: ${error.message}`).toBe(true);
      }
    }
  });

  it('answers a held-back merchant at once, saying when to retry', () => {
    const held = report.fields.get('busy')!.errors.filter((error) => /held back/.test(error.message));
    // The others joined a call in flight (the first, or a probe) and share its answer.
    expect(held.length).toBeGreaterThanOrEqual(2);
    for (const error of held) expect(error.retryAfterMs).toEqual(expect.any(Number));
  });

  it('never fails anyone fast for WeChat-wide trouble', () => {
    const all = [...report.fields.values()].flatMap((tally) => tally.errors);
    expect(all.filter((error) => /failing fast/.test(error.message))).toEqual([]);
    expect(metrics).toMatch(/^wechat_circuit_state\{host="127\.0\.0\.1:\d+"\} 0$/m);
  });

  it('shows how many authorizers are held back, and which host is in use, without naming any', () => {
    const held = Number(/^wechat_authorizers_held_back (\d+)$/m.exec(metrics)?.[1]);
    expect(held).toBeGreaterThanOrEqual(1);
    expect(held).toBeLessThanOrEqual(BROKEN.length);
    expect(metrics).toMatch(/^wechat_upstream_host_in_use\{host="127\.0\.0\.1:\d+"\} 1$/m);
    expect(metrics).not.toMatch(/wx0{6}/);
  });

  it('logs one warning per authorizer as it is first held back, with its appid and no token', () => {
    const warnings = report.stack.logs.lines.filter((line) => line.includes('holding it back')).map((line) => JSON.parse(line));
    const appIds = warnings.map((warning) => warning.authorizerAppId);
    expect(new Set(appIds).size).toBe(appIds.length);
    expect(appIds.length).toBeGreaterThanOrEqual(5); // the hang may still be on its first call
    expect(appIds.every((appId: string) => /^wx[0-9a-f]{16}$/.test(appId))).toBe(true);
    for (const broken of BROKEN) expect(warnings.map((warning) => JSON.stringify(warning)).join('\n')).not.toContain(tokenFor(broken.key));
  });
});
