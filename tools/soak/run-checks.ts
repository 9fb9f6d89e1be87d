/**
 * The run-wide checks of a soak report (the per-response ones are in the tallies): every
 * operation answered, faults actually injected, the authorized merchants' fields data (with
 * stale if error on), token endpoints at the single-flight minimum, RSS within its bound.
 */
import { MIN_AUTHORIZED_DATA_SHARE, RSS_BOUND, type SoakReport } from './soak-report.js';
import type { UpstreamCalls } from './upstream-calls.js';

/** One line per failed run-wide check; empty when all passed. */
export function failedRunChecks(report: SoakReport, calls: UpstreamCalls): string[] {
  const { settings, upstream, rss } = report;
  const failures: string[] = [];
  if (report.operations !== settings.operations) failures.push(`only ${report.operations} of ${settings.operations} operations were answered`);
  if (settings.faultFraction > 0 && upstream.faultsInjected === 0) failures.push('no fault was injected; the run proved nothing about faults');
  const { fields, withData } = report.cloudEnvironments.authorized;
  if (settings.staleIfErrorMs !== 0 && withData < fields * MIN_AUTHORIZED_DATA_SHARE) {
    failures.push(`${fields - withData} of ${fields} authorized merchants' fields were errors; with stale if error at least ${MIN_AUTHORIZED_DATA_SHARE * 100}% must be data`);
  }
  if (upstream.componentTokenCalls !== 1) failures.push(`api_component_token was called ${upstream.componentTokenCalls} times; single-flight allows exactly 1`);
  const offMinimum = [...calls.authorizerTokenByAppId].filter(([, count]) => count !== 1).map(([appId, count]) => `${appId} ${count}×`);
  if (upstream.authorizerTokenCalls !== upstream.expectedAuthorizerTokenCalls || offMinimum.length > 0) {
    failures.push(
      `api_authorizer_token was called ${upstream.authorizerTokenCalls} times for ${calls.authorizerTokenByAppId.size} authorizers; ` +
        `single-flight allows exactly one per authorizer (${upstream.expectedAuthorizerTokenCalls})${offMinimum.length > 0 ? `; off: ${offMinimum.join(', ')}` : ''}`,
    );
  }
  if (rss.afterBytes > rss.boundBytes) {
    failures.push(
      `RSS grew from ${rss.warmBytes} to ${rss.afterBytes} bytes, past the bound of ${Math.round(rss.boundBytes)} (after warm-up × ${RSS_BOUND.factor} + ${RSS_BOUND.slackMiB} MiB): memory is not flat`,
    );
  }
  return failures;
}

