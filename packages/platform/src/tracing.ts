import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes, not work: they would bury the requests' traces. */
const PROBES = new Set(['/health', '/ready', '/metrics']);

/**
 * The OpenTelemetry Node SDK with what a request crosses: the HTTP server (W3C trace context
 * in), undici (the gateway's and the service client's calls, trace context out), graphql-js
 * and pg. The exporter (OTLP, http/protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL says
 * otherwise), sampler and service name come from the standard OTEL_* variables.
 * Apollo Gateway adds its own spans (plan, fetch per subgraph) through @opentelemetry/api.
 */
export function startTracing(): () => Promise<void> {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.namespace': 'partner-graph' }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => PROBES.has((request.url ?? '').split('?')[0]!),
        // Express is not instrumented (a span per middleware is noise): name the one route that matters.
        requestHook: (span, request) => {
          // Incoming requests only (an outgoing ClientRequest has setHeader).
          if ('headers' in request && !('setHeader' in request) && (request.url ?? '').split('?')[0] === '/graphql') {
            span.updateName(`${request.method} /graphql`);
            span.setAttribute('http.route', '/graphql');
          }
        },
      }),
      // Calls made outside any traced work (readiness checks) are not worth a trace of their own.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      // The job queue polls every few seconds: only statements inside a request or a job.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
