import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A CANCELLED status with its refund (cancellation window), and the change a subscription will take at its next renewal. */
export class WeeklyWork1764600000000 implements MigrationInterface {
  name = 'WeeklyWork1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE subscription DROP CONSTRAINT subscription_status_check`);
    await queryRunner.query(
      `ALTER TABLE subscription ADD CONSTRAINT subscription_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED', 'REPLACED', 'CANCELLED'))`,
    );
    await queryRunner.query(`ALTER TABLE subscription ADD COLUMN cancelled_at timestamptz`);
    await queryRunner.query(`ALTER TABLE subscription ADD COLUMN refund_amount numeric(12, 2) CHECK (refund_amount >= 0)`);
    await queryRunner.query(`ALTER TABLE subscription ADD COLUMN refund_currency char(3)`);
    await queryRunner.query(
      `ALTER TABLE subscription ADD CONSTRAINT subscription_cancelled CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))`,
    );
    await queryRunner.query(`ALTER TABLE subscription ADD COLUMN scheduled_change jsonb`);
    await queryRunner.query(`ALTER TABLE renewal_notice ADD COLUMN scheduled_change jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE renewal_notice DROP COLUMN scheduled_change`);
    await queryRunner.query(`ALTER TABLE subscription DROP COLUMN scheduled_change`);
    await queryRunner.query(`ALTER TABLE subscription DROP CONSTRAINT subscription_cancelled`);
    await queryRunner.query(`ALTER TABLE subscription DROP COLUMN refund_currency`);
    await queryRunner.query(`ALTER TABLE subscription DROP COLUMN refund_amount`);
    await queryRunner.query(`ALTER TABLE subscription DROP COLUMN cancelled_at`);
    await queryRunner.query(`UPDATE subscription SET status = 'DELETED' WHERE status = 'CANCELLED'`);
    await queryRunner.query(`ALTER TABLE subscription DROP CONSTRAINT subscription_status_check`);
    await queryRunner.query(
      `ALTER TABLE subscription ADD CONSTRAINT subscription_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED', 'REPLACED'))`,
    );
  }
}
