import type { RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
import pg from 'pg';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ensureDatabase, type Logger } from '@partner-graph/platform';

/** What the express step needs of a limiter: one request counted for a caller, or its refusal. */
export interface RateLimiter {
  consume(key: string): Promise<unknown>;
}

export interface RateLimitOptions {
  pointsPerMinute: number;
  /** Acceptances of customer-facing links per client address, and per link, per hour. */
  acceptancesPerAddressPerHour: number;
  acceptancesPerLinkPerHour: number;
  /** The database holding the counters, shared by every replica; none: this process only (development). */
  databaseUrl: string | undefined;
  logger: Logger;
}

/** The gateway's budgets: requests per caller, and acceptances of a customer-facing link per address and per link. */
export interface RateLimits {
  requests: RateLimiter;
  acceptancesPerAddress: RateLimiterAbstract;
  acceptancesPerLink: RateLimiterAbstract;
  close(): Promise<void>;
}

/**
 * The rate-limit key of an anonymous caller's address: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address, `::ffff:a.b.c.d`, is its IPv4 address), an IPv6 address by its /64, the
 * smallest network an ISP hands a subscriber: one host holds a whole /64 and could otherwise
 * take a fresh budget with each of its 2^64 addresses.
 */
export function addressKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'ip:unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return `ip:${parsed.toString()}`;
  const network = [...parsed.toByteArray().slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0];
  return `ip6:${ipaddr.fromByteArray(network).toString()}/64`;
}

/**
 * The budgets, counted in PostgreSQL so every gateway replica shares them. Requests per minute
 * are taken in blocks (see `BlockLeases`): a partner user is counted by its token's subject, an
 * anonymous caller by its address (the proxies in front are trusted for TRUST_PROXY_HOPS hops of
 * X-Forwarded-For). Acceptances are few and counted one by one. When the database does not
 * answer, each replica falls back to counting in memory.
 */
export async function createRateLimit(options: RateLimitOptions): Promise<RateLimits> {
  const budgets = {
    requests: { points: options.pointsPerMinute, duration: 60, keyPrefix: 'gateway' },
    acceptancesPerAddress: { points: options.acceptancesPerAddressPerHour, duration: 3600, keyPrefix: 'accept-address' },
    acceptancesPerLink: { points: options.acceptancesPerLinkPerHour, duration: 3600, keyPrefix: 'accept-link' },
  };
  const blockOf = Math.max(1, Math.floor(options.pointsPerMinute / 100));
  if (!options.databaseUrl) {
    options.logger.warn('No GATEWAY_DATABASE_URL or DATABASE_URL: the rate limit is counted per replica, in memory');
    return {
      requests: new RateLimiterMemory(budgets.requests),
      acceptancesPerAddress: new RateLimiterMemory(budgets.acceptancesPerAddress),
      acceptancesPerLink: new RateLimiterMemory(budgets.acceptancesPerLink),
      close: async () => {},
    };
  }
  await ensureDatabase(options.databaseUrl);
  // Connections are kept once opened (pg's default closes one idle for 10 s: a new one for each request of a quiet hour).
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 0 });
  pool.on('error', (error) => options.logger.warn({ err: error }, 'rate-limit database connection lost'));
  // The budgets share one table (their keys are prefixed): the first creates it when missing, and clears expired rows.
  const settingsOf = (budget: { points: number; duration: number; keyPrefix: string }) => ({
    ...budget,
    storeClient: pool,
    tableName: 'rate_limit',
    insuranceLimiter: new RateLimiterMemory(budget),
  });
  const requests = await new Promise<RateLimiterPostgres>((resolve, reject) => {
    const created: RateLimiterPostgres = new RateLimiterPostgres(
      { ...settingsOf(budgets.requests), clearExpiredByTimeout: true },
      (error?: unknown) => (error ? reject(error) : resolve(created)),
    );
  });
  const acceptancesPerAddress = new RateLimiterPostgres({ ...settingsOf(budgets.acceptancesPerAddress), tableCreated: true });
  const acceptancesPerLink = new RateLimiterPostgres({ ...settingsOf(budgets.acceptancesPerLink), tableCreated: true });
  return { requests: new BlockLeases(requests, blockOf), acceptancesPerAddress, acceptancesPerLink, close: () => pool.end() };
}

/** A block used up within this time makes the caller's next block twice as large. */
const GROW_WITHIN_MS = 1_000;

interface Lease {
  /** Requests this replica may still let through without asking the database. */
  left: number;
  size: number;
  takenAt: number;
  /** The end of the database's window the block was taken in (or of its refusal). */
  until: number;
  refused?: RateLimiterRes;
  taking?: Promise<void>;
}

/**
 * The shared budget taken from the database in blocks instead of one write per request: a
 * caller's first request of a window takes a block of one; a block used up within a second
 * makes the next one twice as large, up to `maxBlock` (1 % of the budget). A fast caller costs
 * the database a write per block, not per request (one user's requests all update one row, which
 * capped a gateway near 650 requests/s here). The price: a replica's unused part of a block
 * counts as spent until the window ends, and a block refused near the end of the budget counts
 * in full, so a caller may be refused up to `maxBlock` requests early per replica, never late.
 * Budgets under 200 a minute take every request on its own, exactly as before. A refusal is
 * remembered until the window ends.
 */
export class BlockLeases implements RateLimiter {
  private readonly leases = new LRUCache<string, Lease>({ max: 10_000 });

  constructor(
    private readonly shared: RateLimiterAbstract,
    private readonly maxBlock: number,
  ) {}

  async consume(key: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      const lease = this.leases.get(key);
      if (lease && lease.until > now) {
        if (lease.refused) throw lease.refused;
        if (lease.left > 0) {
          lease.left--;
          return;
        }
        if (lease.taking) {
          await lease.taking;
          continue;
        }
      }
      await this.take(key, lease, now);
    }
  }

  private take(key: string, previous: Lease | undefined, now: number): Promise<void> {
    const grow = previous && !previous.refused && previous.until > now && now - previous.takenAt < GROW_WITHIN_MS;
    const size = grow ? Math.min(previous.size * 2, this.maxBlock) : 1;
    const lease: Lease = { left: 0, size, takenAt: now, until: Number.POSITIVE_INFINITY };
    lease.taking = this.shared.consume(key, size).then(
      (granted) => {
        lease.left = size;
        lease.until = Date.now() + granted.msBeforeNext;
        lease.taking = undefined;
      },
      (refusal: unknown) => {
        lease.taking = undefined;
        if (!(refusal instanceof RateLimiterRes)) {
          this.leases.delete(key);
          throw refusal;
        }
        lease.refused = refusal;
        lease.until = Date.now() + refusal.msBeforeNext;
      },
    );
    this.leases.set(key, lease);
    return lease.taking;
  }
}

/** The express step answering HTTP 429 RATE_LIMITED past the budget; `keyOf` names the caller. */
export function rateLimitStep(
  limiter: RateLimiter,
  keyOf: (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<string>,
): RequestHandler {
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
