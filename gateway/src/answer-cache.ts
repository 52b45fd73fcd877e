import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { Counter, type Registry } from 'prom-client';
import { CHANGES_CHANNEL, systemClock, type Clock, type Logger, type Viewer } from '@partner-graph/platform';

/** A subgraph's answer as received: read once, parsed by each request it answers. */
export interface Answer {
  status: number;
  body: string;
  /** Its `Cache-Control` header: Apollo Server's `max-age=N, public|private` when the subgraph's hints allow keeping it. */
  cacheControl: string | null;
}

/** Where a read's answer may be kept: alike for the users of one partner with the same access, or this user's alone. */
export interface AnswerKeys {
  shared: string;
  own: string;
}

interface Kept {
  body: string;
  expiresAt: number;
}

/**
 * What a request's subgraph answers allow for its whole result: `shared` while every answer was
 * PUBLIC (from the cache's shared entries or kept there), until the soonest of their expiries.
 * The gateway's executor puts one in the request's context; `SubgraphSource` narrows it.
 */
export interface ResultScope {
  shared: boolean;
  expiresAt: number;
  /** The size of the answers it is made of: what keeping the result costs, near enough. */
  bytes: number;
}

/** A kept answer and what it allows for the result it goes into. */
export interface Found {
  answer: Answer;
  shared: boolean;
  expiresAt: number;
}

const HINT = /^max-age=(\d+), (public|private)$/;

/**
 * Subgraph answers kept for the next request that sends the same read, as the subgraph's own
 * `@cacheControl` hints allow (Apollo Server's `Cache-Control`): PUBLIC answers are shared by the
 * users of one partner with the same `customerAccess`, `companyRole` and programs, PRIVATE ones
 * are kept per user, anything else is not kept. Every answer goes when any subgraph database
 * reports a change (`ChangeFeed`), when a mutation passes through this gateway, and at its
 * `max-age` (at most `maxAgeSeconds`), whichever comes first. While a database's feed is down
 * nothing is kept or served, so no change can be missed.
 */
export class AnswerCache {
  private readonly kept: LRUCache<string, Kept>;
  /** Whole results of queries all of whose answers were PUBLIC, by the same shared keys (`sharingIdenticalQueries`). */
  private readonly results: LRUCache<string, { result: object; expiresAt: number; bytes: number }>;
  /** Bumped by every change: an answer asked for before a change is not kept after it. */
  private generation = 0;
  private readonly feedsDown = new Set<string>();
  private readonly counted: Counter<'subgraph' | 'result'>;

  constructor(private readonly options: { maxBytes: number; maxAgeSeconds: number; clock?: Clock; registry: Registry }) {
    this.kept = new LRUCache<string, Kept>({
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => value.body.length + key.length,
    });
    this.results = new LRUCache({ maxSize: options.maxBytes, sizeCalculation: (value, key) => value.bytes + key.length });
    this.counted = new Counter({
      name: 'gateway_answer_cache_total',
      help: 'Subgraph reads answered from the answer cache (hit), sent and kept (kept), sent and not kept (miss) or sent while it is off (bypass)',
      labelNames: ['subgraph', 'result'] as const,
      registers: [options.registry],
    });
  }

  /** The keys of a read for this viewer, or null when no answer may be kept for it (no partner user, or the cache is off). */
  keysFor(
    viewer: Viewer | undefined,
    subgraph: string,
    query: string,
    variables: unknown,
    operationName: string | undefined,
  ): AnswerKeys | null {
    if (this.feedsDown.size > 0 || viewer?.kind !== 'partner-user') return null;
    const read = `${subgraph}\n${operationName ?? ''}\n${query}\n${JSON.stringify(variables ?? {})}`;
    const shared = `${viewer.partnerId}\n${viewer.customerAccess}\n${viewer.companyRole}\n${[...viewer.programs].sort().join(',')}\n${read}`;
    return { shared, own: `${viewer.userId}\n${shared}` };
  }

  /** A kept answer to this read, if any. */
  find(keys: AnswerKeys, subgraph: string): Found | undefined {
    const now = this.now();
    for (const key of [keys.shared, keys.own]) {
      const kept = this.kept.get(key);
      if (!kept) continue;
      if (kept.expiresAt > now) {
        this.counted.inc({ subgraph, result: 'hit' });
        return { answer: { status: 200, body: kept.body, cacheControl: null }, shared: key === keys.shared, expiresAt: kept.expiresAt };
      }
      this.kept.delete(key);
    }
    return undefined;
  }

  /** A whole result kept for this request's shared key, if any. */
  findResult(key: string): object | undefined {
    const kept = this.results.get(key);
    if (!kept) return undefined;
    if (kept.expiresAt > this.now()) {
      this.counted.inc({ subgraph: 'gateway', result: 'hit' });
      return kept.result;
    }
    this.results.delete(key);
    return undefined;
  }

  /** Keeps a query's whole result when all its answers were shared and nothing changed while it ran. */
  keepResult(key: string, result: object, scope: ResultScope, since: number): void {
    if (!scope.shared || !Number.isFinite(scope.expiresAt) || !this.unchangedSince(since)) return;
    this.results.set(key, { result, expiresAt: scope.expiresAt, bytes: Math.max(scope.bytes, 1) });
    this.counted.inc({ subgraph: 'gateway', result: 'kept' });
  }

  /** Taken before a read is sent; `keep` refuses its answer if anything changed since. */
  begin(): number {
    return this.generation;
  }

  /**
   * Keeps a read's answer when the subgraph allowed it and nothing changed while it was asked;
   * returns whether it was kept for the partner's users alike, and until when (null: not kept).
   */
  keep(keys: AnswerKeys | null, answer: Answer, subgraph: string, since: number): Omit<Found, 'answer'> | null {
    if (!keys) {
      this.counted.inc({ subgraph, result: 'bypass' });
      return null;
    }
    const hint = answer.status === 200 && answer.cacheControl ? HINT.exec(answer.cacheControl) : null;
    const maxAge = hint ? Math.min(Number(hint[1]), this.options.maxAgeSeconds) : 0;
    if (!hint || maxAge <= 0 || !this.unchangedSince(since)) {
      this.counted.inc({ subgraph, result: 'miss' });
      return null;
    }
    const shared = hint[2] === 'public';
    const expiresAt = this.now() + maxAge * 1000;
    this.kept.set(shared ? keys.shared : keys.own, { body: answer.body, expiresAt });
    this.counted.inc({ subgraph, result: 'kept' });
    return { shared, expiresAt };
  }

  /** Something changed: every kept answer goes, and reads in flight are not kept. */
  forget(): void {
    this.generation += 1;
    this.kept.clear();
    this.results.clear();
  }

  /** A database's feed stopped: nothing is kept or served until it listens again. */
  feedDown(database: string): void {
    this.feedsDown.add(database);
    this.forget();
  }

  feedUp(database: string): void {
    this.forget();
    this.feedsDown.delete(database);
  }

  /** Nothing changed since `begin()` gave `since`, and every feed is listening. */
  private unchangedSince(since: number): boolean {
    return since === this.generation && this.feedsDown.size === 0;
  }

  private now(): number {
    return (this.options.clock ?? systemClock).now().getTime();
  }
}

/**
 * LISTENs on `CHANGES_CHANNEL` in every subgraph database (one connection each) and tells the
 * cache. A connection that fails turns the cache off until it is back (retried every
 * `retryMs`), since changes made meanwhile would go unheard.
 */
export class ChangeFeed {
  private readonly clients = new Map<string, pg.Client>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly cache: AnswerCache,
    private readonly databaseUrls: Record<string, string>,
    private readonly logger: Logger,
    private readonly retryMs = 2_000,
  ) {
    for (const name of Object.keys(databaseUrls)) cache.feedDown(name);
  }

  /** Resolves once every database has been tried once (listening or not). */
  async start(): Promise<void> {
    await Promise.all(Object.keys(this.databaseUrls).map((name) => this.listen(name)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all([...this.clients.values()].map((client) => client.end().catch(() => {})));
  }

  private async listen(name: string): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrls[name], connectionTimeoutMillis: 5_000 });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.clients.delete(name);
      this.cache.feedDown(name);
      client.end().catch(() => {});
      if (this.stopped) return;
      this.logger.warn({ err: error, database: name }, 'answer cache off: change feed lost; listening again');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.listen(name);
      }, this.retryMs);
      this.timers.add(timer);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', () => this.cache.forget());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.stopped || lost) {
      await client.end().catch(() => {});
      return;
    }
    this.clients.set(name, client);
    this.cache.feedUp(name);
  }
}
