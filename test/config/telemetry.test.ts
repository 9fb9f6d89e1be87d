/** The OpenTelemetry switches telemetry.ts reads before the app starts. */
import { describe, expect, it } from 'vitest';
import { loadTelemetrySettings } from '../../src/config/telemetry.js';

describe('telemetry settings', () => {
  it('export nothing by default, under the subgraph’s service name, with no metrics or logs exporter', () => {
    expect(loadTelemetrySettings({})).toEqual({ exportTraces: false, serviceName: 'cloud-environments-subgraph', metricsExporterChosen: false, logsExporterChosen: false });
  });

  it.each(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'])('export traces once %s is set', (name) => {
    expect(loadTelemetrySettings({ [name]: 'http://127.0.0.1:4318' }).exportTraces).toBe(true);
  });

  it('treat blank values as unset', () => {
    expect(loadTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_SERVICE_NAME: '', OTEL_METRICS_EXPORTER: '' })).toEqual(loadTelemetrySettings({}));
  });

  it('leave metrics and logs exporters to the SDK when the operator names them', () => {
    const settings = loadTelemetrySettings({ OTEL_SERVICE_NAME: 'envs', OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'console' });
    expect(settings).toMatchObject({ serviceName: 'envs', metricsExporterChosen: true, logsExporterChosen: true });
  });
});
