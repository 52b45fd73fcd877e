import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import express, { type Express, type RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** Distinct operation names a service labels by; later names are counted as `other`. */
export const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * Operation names are the client's choice: labelling by them as they come lets any caller
 * grow every series without bound. The first few hundred well-formed names keep their own
 * label (a real client uses a fixed set); anything beyond, or malformed, is `other`.
 */
export function operationLabels(max = MAX_OPERATION_LABELS): (name: string | null | undefined) => string {
  const known = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (known.has(name)) return name;
    if (known.size >= max || !OPERATION_NAME.test(name)) return 'other';
    known.add(name);
    return name;
  };
}

/** Where `/metrics` is served: on its own port, or on the service's port behind a bearer token, or (development) open. */
export interface MetricsExposure {
  port?: number;
  token?: string;
}

/**
 * Prometheus metrics of one service at `/metrics`: process defaults, GraphQL operations by
 * (bounded) name and outcome, and their duration; and an access-log line per operation.
 */
export function createMetrics(service: string, logger?: Logger) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const label = operationLabels();

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ operationName, errors, contextValue }) {
          const operation = label(operationName);
          const seconds = stop({ operation });
          const outcome = errors?.length ? 'error' : 'ok';
          operations.inc({ operation, outcome });
          // One access-log line per operation, with the request id the gateway gave it.
          const requestId = (contextValue as { requestId?: string } | undefined)?.requestId;
          logger?.info({ requestId, operation: operationName ?? null, outcome, ms: Math.round(seconds * 1000) }, 'graphql operation');
        },
      };
    },
  };

  const handler =
    (token: string | undefined): RequestHandler =>
    async (req, res) => {
      if (token !== undefined && !sameSecret(req.header('authorization') ?? '', `Bearer ${token}`)) {
        res.status(401).json({ errors: [{ message: 'Metrics need a bearer token', extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    };

  /** Serves `/metrics` on the service's own app, unless it has a port of its own. */
  const mount = (app: Express, exposure: MetricsExposure = {}) => {
    if (exposure.port === undefined) app.get('/metrics', handler(exposure.token));
  };
  /** The app of the metrics port, when there is one. */
  const ownApp = (exposure: MetricsExposure = {}): Express | null => {
    if (exposure.port === undefined) return null;
    const app = express();
    app.disable('x-powered-by');
    app.get('/metrics', handler(exposure.token));
    return app;
  };

  return { plugin, mount, ownApp, registry };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
