import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Span } from '@opentelemetry/api';

/** Probes, not work: they would bury the requests' traces. */
const PROBES = new Set(['/health', '/ready', '/metrics']);

/**
 * A request target as a span may record it: the codes of the customer-facing links
 * (`/accept/<kind>/…`, a delegated-admin code or its termination code grant rights to whoever
 * reads them) become `:code`, and every query-string value (a GET's document and variables,
 * whatever a link carries) `:value`; the names stay.
 */
export function recordableTarget(target: string): string {
  const at = target.indexOf('?');
  const path = at < 0 ? target : target.slice(0, at);
  const segments = path.split('/');
  const recorded =
    segments[1] === 'accept' ? segments.map((segment, i) => (i < 3 || segment === 'end' ? segment : ':code')).join('/') : path;
  if (at < 0) return recorded;
  const names = target
    .slice(at + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]}=:value`);
  return `${recorded}?${names.join('&')}`;
}

/** The attributes of an HTTP span that hold the target or the whole URL, in the old and the stable conventions. */
function recordTarget(span: Span, target: string, origin: string | null): void {
  const recorded = recordableTarget(target);
  const at = recorded.indexOf('?');
  span.setAttribute('http.target', recorded);
  span.setAttribute('url.path', at < 0 ? recorded : recorded.slice(0, at));
  if (at >= 0) span.setAttribute('url.query', recorded.slice(at + 1));
  if (origin) {
    span.setAttribute('http.url', origin + recorded);
    span.setAttribute('url.full', origin + recorded);
  }
}

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
          if (!('headers' in request) || 'setHeader' in request) return;
          const target = request.url ?? '';
          if (target.split('?')[0] === '/graphql') {
            span.updateName(`${request.method} /graphql`);
            span.setAttribute('http.route', '/graphql');
          }
          recordTarget(span, target, `http://${request.headers.host ?? 'localhost'}`);
        },
      }),
      // Calls made outside any traced work (readiness checks) are not worth a trace of their own.
      // A webhook receiver's URL may carry its own secret (a path token): recorded as its origin and a redacted target.
      new UndiciInstrumentation({
        requireParentforSpans: true,
        requestHook: (span, request) => {
          const at = request.path.indexOf('?');
          const path = at < 0 ? request.path : request.path.slice(0, at);
          recordTarget(span, path === '/graphql' ? request.path : `/:path${at < 0 ? '' : request.path.slice(at)}`, request.origin);
        },
      }),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
      // The job queue polls every few seconds: only statements inside a request or a job.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
