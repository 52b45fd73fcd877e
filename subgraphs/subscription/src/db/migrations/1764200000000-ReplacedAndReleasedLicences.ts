import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A REPLACED status for subscriptions renewed with direct billing, and the licences a deleted customer user held (for its restore). */
export class ReplacedAndReleasedLicences1764200000000 implements MigrationInterface {
  name = 'ReplacedAndReleasedLicences1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE subscription DROP CONSTRAINT subscription_status_check`);
    await queryRunner.query(
      `ALTER TABLE subscription ADD CONSTRAINT subscription_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED', 'REPLACED'))`,
    );
    // Renewals made before this status existed were marked DELETED.
    await queryRunner.query(
      `UPDATE subscription s SET status = 'REPLACED' WHERE s.status = 'DELETED' AND EXISTS (SELECT 1 FROM subscription r WHERE r.renewed_from_id = s.id)`,
    );
    await queryRunner.query(`
      CREATE TABLE released_licence (
        subscription_id uuid NOT NULL REFERENCES subscription(id),
        customer_user_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        assigned_at timestamptz NOT NULL,
        released_at timestamptz NOT NULL,
        PRIMARY KEY (customer_user_id, subscription_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE released_licence`);
    await queryRunner.query(`UPDATE subscription SET status = 'DELETED' WHERE status = 'REPLACED'`);
    await queryRunner.query(`ALTER TABLE subscription DROP CONSTRAINT subscription_status_check`);
    await queryRunner.query(
      `ALTER TABLE subscription ADD CONSTRAINT subscription_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED'))`,
    );
  }
}
