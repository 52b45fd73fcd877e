import type { RequestHandler } from 'express';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ensureDatabase, type Logger } from '@partner-graph/platform';

export interface RateLimitOptions {
  pointsPerMinute: number;
  /** The database holding the counters, shared by every replica; none: this process only (development). */
  databaseUrl: string | undefined;
  logger: Logger;
}

/**
 * Requests per minute, counted in PostgreSQL so every gateway replica shares the budget. A
 * partner user is counted by its token's subject, an anonymous caller by its address (the
 * proxies in front are trusted for TRUST_PROXY_HOPS hops of X-Forwarded-For). When the
 * database does not answer, each replica falls back to counting in memory.
 */
export async function createRateLimit(options: RateLimitOptions): Promise<{ limiter: RateLimiterAbstract; close(): Promise<void> }> {
  const settings = { points: options.pointsPerMinute, duration: 60, keyPrefix: 'gateway' };
  if (!options.databaseUrl) {
    options.logger.warn('No GATEWAY_DATABASE_URL or DATABASE_URL: the rate limit is counted per replica, in memory');
    return { limiter: new RateLimiterMemory(settings), close: async () => {} };
  }
  await ensureDatabase(options.databaseUrl);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 2_000 });
  pool.on('error', (error) => options.logger.warn({ err: error }, 'rate-limit database connection lost'));
  const limiter = await new Promise<RateLimiterPostgres>((resolve, reject) => {
    const created: RateLimiterPostgres = new RateLimiterPostgres(
      {
        ...settings,
        storeClient: pool,
        tableName: 'rate_limit',
        clearExpiredByTimeout: true,
        insuranceLimiter: new RateLimiterMemory(settings),
      },
      (error?: unknown) => (error ? reject(error) : resolve(created)),
    );
  });
  return { limiter, close: () => pool.end() };
}

/** The express step answering HTTP 429 RATE_LIMITED past the budget; `keyOf` names the caller. */
export function rateLimitStep(limiter: RateLimiterAbstract, keyOf: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<string>): RequestHandler {
  return async (req, res, next) => {
    let key: string;
    try {
      key = await keyOf(req, res);
    } catch (error) {
      return next(error);
    }
    try {
      await limiter.consume(key);
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      res.setHeader('retry-after', String(Math.ceil(rejection.msBeforeNext / 1000)));
      res.status(429).json({ errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED' } }] });
    }
  };
}
