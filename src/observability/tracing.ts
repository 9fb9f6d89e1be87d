/**
 * Spans of our own around the work a trace reader looks for: each getEnvInfo call and
 * each token refresh. Without the SDK (telemetry.ts) the API is a no-op and costs nothing.
 */
import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('cloud-environments-subgraph');

/** Runs `work` in an active span; a failure is recorded with its errcode, if WeChat gave one. */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
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
