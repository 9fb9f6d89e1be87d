/**
 * Spans of our own around the work a trace reader looks for: each getEnvInfo call and
 * each token refresh. Without an SDK (telemetry.ts starts one when OTLP is configured)
 * the work runs bare: OpenTelemetry's no-op API would still build a span, a context and
 * an async wrapper for every call.
 */
import { type Attributes, ProxyTracerProvider, SpanStatusCode, trace } from '@opentelemetry/api';

const TRACER_NAME = 'cloud-environments-subgraph';
const tracer = trace.getTracer(TRACER_NAME);

/** Whether a tracer provider is registered: the global one is a proxy until an SDK sets its delegate. */
function tracing(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

/** Runs `work` in an active span; a failure is recorded with its errcode, if WeChat gave one. */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!tracing()) return work();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      const errcode = (error as { errcode?: unknown }).errcode;
      if (typeof errcode === 'number') span.setAttribute('wechat.errcode', errcode);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}
