/**
 * OpenTelemetry, loaded before the app (`node --import ./dist/telemetry.js dist/main.js`,
 * as `npm start` does) so HTTP, undici and GraphQL are instrumented from the first import.
 * It exports traces over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT (or its traces
 * variant) is set, and does nothing otherwise; its own switches come from
 * config/telemetry.ts, and the SDK reads the other standard OTEL_* variables itself. Access tokens in WeChat URLs never reach a span: the undici hook scrubs them.
 *
 * The SDK, the exporter and the instrumentations are imported only when an endpoint is
 * set: without one they would cost a production process tens of megabytes for nothing.
 */
import { register } from 'node:module';
import { loadTelemetrySettings } from './config/telemetry.js';
import { scrubSecrets } from './observability/scrub-secrets.js';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
let sdk: { shutdown(): Promise<void> } | undefined;

const settings = loadTelemetrySettings();

if (settings.exportTraces) {
  const [{ NodeSDK }, { OTLPTraceExporter }, { GraphQLInstrumentation }, { HttpInstrumentation }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  // ESM modules are instrumented through a loader hook, registered before the app is imported.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const started = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter: new OTLPTraceExporter(),
    // Metrics are Prometheus's (GET /metrics) and logs are pino's: OTLP carries traces only,
    // unless the operator asks for more with the standard variables. Given no reader and no
    // processor, the SDK would build OTLP ones from the environment.
    ...(settings.metricsExporterChosen ? {} : { metricReaders: [] }),
    ...(settings.logsExporterChosen ? {} : { logRecordProcessors: [] }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => PROBES.has(request.url ?? '') }),
      new UndiciInstrumentation({
        requestHook: (span, request) => {
          span.setAttribute('url.full', scrubSecrets(`${request.origin}${request.path}`));
          span.setAttribute('url.query', scrubSecrets(request.path.split('?')[1] ?? ''));
        },
      }),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
    ],
  });
  started.start();
  sdk = started;
}

/** Flushes spans still buffered; main.ts calls it on shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown();
}
