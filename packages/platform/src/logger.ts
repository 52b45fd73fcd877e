import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
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
 * What no log line shows, wherever a logged object carries it: credentials in headers (a
 * user's token, cookies, a service's signed identity, the router's static credential), GraphQL
 * variables (passwords, codes, product keys), a failed statement's SQL parameters (TypeORM's
 * `QueryFailedError.parameters`), the raw body of a request that did not parse, and fields
 * named as secrets.
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'cookie',
  '*.authorization',
  '*.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-partner-graph-context"]',
  '*.headers["x-partner-graph-router-token"]',
  'variables',
  '*.variables',
  'err.parameters',
  'err.driverError.parameters',
  'err.body',
  '*.password',
  '*.temporaryPassword',
  '*.token',
  '*.secret',
  '*.signingSecret',
];

/**
 * Structured JSON logs; every request's lines carry its `requestId` (see `Logger.child`) and,
 * when tracing is on, the `trace_id` and `span_id` of the work they belong to.
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  // Without tracing there is no span to name: no per-line lookup at all.
  const mixin = loadTelemetryConfig().enabled ? traceFields : undefined;
  const options = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
