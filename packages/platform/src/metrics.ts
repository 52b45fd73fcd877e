import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Express } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger.js';

/**
 * Prometheus metrics of one service at `/metrics`: process defaults, GraphQL operations by
 * name and outcome, and their duration; and an access-log line per operation.
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

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      const stop = duration.startTimer();
      return {
        async willSendResponse({ operationName, errors, contextValue }) {
          const operation = operationName ?? 'anonymous';
          const seconds = stop({ operation });
          const outcome = errors?.length ? 'error' : 'ok';
          operations.inc({ operation, outcome });
          // One access-log line per operation, with the request id the gateway gave it.
          const requestId = (contextValue as { requestId?: string } | undefined)?.requestId;
          logger?.info({ requestId, operation, outcome, ms: Math.round(seconds * 1000) }, 'graphql operation');
        },
      };
    },
  };

  const mount = (app: Express) => {
    app.get('/metrics', async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    });
  };

  return { plugin, mount, registry };
}
