/**
 * The OpenTelemetry switches the subgraph itself reads. telemetry.ts is preloaded before
 * the app (`node --import`), so it asks here, not through loadConfig: whether traces are
 * exported, under which service name, and whether the operator chose metrics or logs
 * exporters. Every other OTEL_* variable (sampling, headers, protocols) is the SDK's own.
 */
import { z } from 'zod';
import { optionalString, type Environment } from './variables.js';

export const telemetryModel = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString,
  OTEL_SERVICE_NAME: optionalString.transform((value) => value ?? 'cloud-environments-subgraph'),
  OTEL_METRICS_EXPORTER: optionalString,
  OTEL_LOGS_EXPORTER: optionalString,
});

export interface TelemetrySettings {
  /** An OTLP endpoint is set: traces are exported (and only then is the SDK loaded). */
  readonly exportTraces: boolean;
  readonly serviceName: string;
  /**
   * OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER set: the SDK builds the exporters they name.
   * Unset: none, since metrics are Prometheus's (GET /metrics) and logs are pino's.
   */
  readonly metricsExporterChosen: boolean;
  readonly logsExporterChosen: boolean;
}

export function loadTelemetrySettings(env: Environment = process.env): TelemetrySettings {
  // No value here can be invalid: each is either set or not.
  const values = telemetryModel.parse(env);
  return Object.freeze({
    exportTraces: values.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined,
    serviceName: values.OTEL_SERVICE_NAME,
    metricsExporterChosen: values.OTEL_METRICS_EXPORTER !== undefined,
    logsExporterChosen: values.OTEL_LOGS_EXPORTER !== undefined,
  });
}
