import { SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

// Ferry's own spans, around the few operations an operator asks about: a repository sync, a change
// written to a forge. Without a registered tracer provider (no OTEL_EXPORTER_OTLP_ENDPOINT) the API
// hands out non-recording spans, so these cost a function call.

const tracer = () => trace.getTracer("ferry");

/** Runs `fn` inside a span; a thrown error marks the span failed and is rethrown unchanged. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes learnt half-way (a repository's name once its row is read) to the active span. */
export function annotateSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The active span's ids for a log line, or nothing when no span records. */
export function activeTraceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
