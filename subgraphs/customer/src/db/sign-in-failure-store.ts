import type { DataSource, EntityManager } from 'typeorm';

/**
 * Failed sign-ins, each under the subjects it counts against (an offer's code hash, a user name).
 * Every method takes an optional `EntityManager` so a caller can join its transaction.
 */
export class SignInFailureStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Serialises sign-ins against the same subjects until the caller's transaction ends, so
   * concurrent attempts cannot all pass the limit before any failure is recorded.
   */
  async lockSubjects(manager: EntityManager, subjects: string[]): Promise<void> {
    // One order for everyone: no two sign-ins wait for each other's second lock.
    for (const subject of [...subjects].sort())
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sign_in_failure:${subject}`]);
  }

  /** The most failures any of `subjects` has had since `since`. */
  async mostSince(subjects: string[], since: Date, manager: EntityManager = this.db.manager): Promise<number> {
    const [row]: { most: number | null }[] = await manager.query(
      `SELECT max(n)::int AS most FROM (SELECT count(*) AS n FROM sign_in_failure WHERE subject = ANY($1) AND failed_at > $2 GROUP BY subject) counts`,
      [subjects, since],
    );
    return row?.most ?? 0;
  }

  /** Records one failure against each subject, and forgets every failure at or before `forgetBefore` (they no longer count). */
  async record(subjects: string[], at: Date, forgetBefore: Date, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`DELETE FROM sign_in_failure WHERE failed_at <= $1`, [forgetBefore]);
    await manager.query(`INSERT INTO sign_in_failure (subject, failed_at) SELECT unnest($1::text[]), $2`, [subjects, at]);
  }
}
