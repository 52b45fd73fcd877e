import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { loadTelemetryConfig } from './config.js';

export type { Logger };

/** The active span's ids on a line, as OpenTelemetry's log data model names them. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}

/**
 * Structured JSON logs; every request's lines carry its `requestId` (see `Logger.child`) and,
 * when tracing is on, the `trace_id` and `span_id` of the work they belong to.
 */
export function createLogger(service: string, level = 'info'): Logger {
  // Without tracing there is no span to name: no per-line lookup at all.
  const mixin = loadTelemetryConfig().enabled ? traceFields : undefined;
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, mixin });
}
