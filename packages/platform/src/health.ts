import type { Express } from 'express';
import { fetch } from 'undici';
import type { DataSource } from 'typeorm';
import { keepAliveAgent } from './service-client.js';

/** One thing readiness depends on. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check: () => Promise<void>;
  /**
   * Whether the service is unready without it. An optional dependency is reported as
   * `degraded` but keeps the service in rotation: the gateway still answers what the other
   * subgraphs serve, so taking it out would turn one subgraph's outage into everyone's.
   */
  required: boolean;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Readiness of a subgraph: its database answers. */
export const databaseCheck = (db: DataSource): ReadinessCheck => ({
  name: 'database',
  required: true,
  check: async () => {
    await db.query('SELECT 1');
  },
});

/** Readiness of a service another one calls: its own `/ready` answers 200. */
export const serviceCheck = (name: string, graphqlUrl: string, required: boolean): ReadinessCheck => {
  const readyUrl = graphqlUrl.replace(/\/graphql\/?$/, '/ready');
  return {
    name,
    required,
    check: async () => {
      const response = await fetch(readyUrl, { dispatcher: keepAliveAgent, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${name} answered ${response.status}`);
    },
  };
};

/**
 * Liveness and readiness, apart. `/health` says the process serves HTTP (a restart would not
 * help a database outage, so it checks nothing else); `/ready` says whether it can do its work
 * now (load balancers and orchestrators route on it) and lists each check. `stopping()` fails
 * `/ready` for good: the service is shutting down, and new work should go elsewhere.
 */
export function mountHealth(app: Express, service: string, checks: ReadinessCheck[]): { stopping(): void } {
  let stopping = false;
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service });
  });
  app.get('/ready', async (_req, res) => {
    if (stopping) {
      res.status(503).json({ status: 'stopping', service, checks: {} });
      return;
    }
    const results = await Promise.all(
      checks.map(async ({ name, check, required }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, required, ok: true };
        } catch {
          return { name, required, ok: false };
        }
      }),
    );
    const ready = results.every((result) => result.ok || !result.required);
    const degraded = results.some((result) => !result.ok);
    res.status(ready ? 200 : 503).json({
      status: ready ? (degraded ? 'degraded' : 'ready') : 'unready',
      service,
      checks: Object.fromEntries(results.map(({ name, ok }) => [name, ok ? 'ok' : 'failed'])),
    });
  });
  return {
    stopping: () => {
      stopping = true;
    },
  };
}
