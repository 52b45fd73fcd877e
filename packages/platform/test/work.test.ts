import { describe, expect, it } from 'vitest';
import { QueryCounter } from '../src/database.js';
import { runAs } from '../src/work.js';

describe('the SQL statement count', () => {
  it("counts a request's statements, not those of background work running meanwhile", async () => {
    const queries = new QueryCounter();
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
    await Promise.all([
      runAs('request', async () => {
        queries.logQuery();
        await tick();
        queries.logQuery();
      }),
      runAs('background', async () => {
        queries.logQuery();
        await tick();
        queries.logQuery();
      }),
    ]);
    queries.logQuery(); // outside any work: a migration, a sweep's own statements
    expect(queries.count).toBe(2);
  });
});
