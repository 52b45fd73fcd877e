import { loadTelemetryConfig } from './config.js';

/**
 * OpenTelemetry tracing, preloaded before a service's own code:
 * `node --import tsx --import @partner-graph/platform/telemetry <entry>` (`npm start` and the
 * container image do this). The instrumentations patch http, graphql and pg when those load,
 * so they must be registered first. With no OTLP endpoint configured, or OTEL_SDK_DISABLED,
 * nothing of the SDK is loaded and `@opentelemetry/api` stays a no-op.
 */
const config = loadTelemetryConfig();
let stop: () => Promise<void> = async () => {};
if (config.enabled) {
  const { startTracing } = await import('./tracing.js');
  stop = startTracing();
}

/** Exports the spans still buffered; call before the process exits. */
export const stopTelemetry = (): Promise<void> => stop();
