import type { DataSource } from 'typeorm';
import { customerPage } from './db/customer-views.js';
import { likePrefix } from './domain/rules.js';

export interface SearchTiming {
  search: string | null;
  rows: number;
  /** Median over the runs, in milliseconds, of one page read (the exact statement the API runs). */
  medianMs: number;
  maxMs: number;
}

/**
 * Times the customer list / prefix search of one partner as the API runs it (`npm run bench`),
 * and returns the plan of a prefix search so a reader can see the indexes it uses.
 */
export async function benchCustomerSearch(
  db: DataSource,
  options: { partnerId: string; now: Date; searches?: (string | null)[]; first?: number; runs?: number; explain?: string },
): Promise<{ timings: SearchTiming[]; plan: string }> {
  const searches = options.searches ?? [null, 'a', 'alpha', 'summit tr', 'zephyr trading 99', 'willow1', 'nomatch'];
  const limit = (options.first ?? 20) + 1;
  const runs = options.runs ?? 20;
  const now = options.now;
  const timings: SearchTiming[] = [];
  for (const search of searches) {
    const durations: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const page = await customerPage(db.manager, {
        partnerId: options.partnerId,
        now,
        limit,
        after: null,
        prefixPattern: search ? likePrefix(search) : null,
      });
      durations.push(performance.now() - started);
      rows = page.length;
    }
    durations.sort((a, b) => a - b);
    timings.push({ search, rows, medianMs: round(durations[Math.floor(durations.length / 2)]!), maxMs: round(durations.at(-1)!) });
  }
  const plan = await explainPrefixSearch(db, options.partnerId, options.explain ?? 'summit tr', limit, now);
  return { timings, plan };
}

/** EXPLAIN ANALYZE of the prefix-search page, as text. */
export async function explainPrefixSearch(db: DataSource, partnerId: string, search: string, limit: number, now: Date): Promise<string> {
  const runner = db.createQueryRunner();
  try {
    const captured: { sql: string; params: unknown[] }[] = [];
    const manager = runner.manager;
    const original = runner.query.bind(runner);
    // Capture the statement customerPage builds, then EXPLAIN exactly that.
    runner.query = (async (sql: string, params?: unknown[]) => {
      captured.push({ sql, params: params ?? [] });
      return [];
    }) as typeof runner.query;
    await customerPage(manager, { partnerId, now, limit, after: null, prefixPattern: likePrefix(search) });
    runner.query = original;
    const statement = captured[0]!;
    const rows: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await runner.release();
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
