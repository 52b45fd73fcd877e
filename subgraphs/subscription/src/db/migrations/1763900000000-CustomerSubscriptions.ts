import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPlatformTables, dropPlatformTables } from '@partner-graph/platform';

/** Creates subscriptions, licence assignments, their change history, renewal notices and the platform tables. */
export class CustomerSubscriptions1763900000000 implements MigrationInterface {
  name = 'CustomerSubscriptions1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPlatformTables(queryRunner);
    await queryRunner.query(`
      CREATE TABLE subscription (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        offer_id uuid NOT NULL,
        partner_id uuid,
        channel text NOT NULL CHECK (channel IN ('RESELLER', 'DIRECT', 'ADVISOR', 'PRODUCT_KEY')),
        friendly_name text NOT NULL,
        quantity int NOT NULL CHECK (quantity >= 0),
        status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED', 'DELETED')),
        is_trial boolean NOT NULL DEFAULT false,
        term_months int NOT NULL CHECK (term_months > 0),
        billing_cycle text,
        start_date timestamptz NOT NULL,
        end_date timestamptz NOT NULL,
        auto_renew boolean NOT NULL,
        version int NOT NULL DEFAULT 1,
        renewed_from_id uuid REFERENCES subscription(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX subscription_customer ON subscription (customer_id, created_at, id)`);
    // The lifecycle job scans what is due by status and end date.
    await queryRunner.query(`CREATE INDEX subscription_due ON subscription (status, end_date) WHERE status <> 'DELETED'`);
    await queryRunner.query(`
      CREATE TABLE licence_assignment (
        subscription_id uuid NOT NULL REFERENCES subscription(id),
        customer_user_id uuid NOT NULL,
        assigned_at timestamptz NOT NULL,
        PRIMARY KEY (subscription_id, customer_user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE subscription_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq serial NOT NULL,
        subscription_id uuid NOT NULL REFERENCES subscription(id),
        customer_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('PARTNER_USER', 'SERVICE', 'SYSTEM')),
        partner_id uuid,
        user_id uuid,
        action text NOT NULL,
        field text,
        old_value text,
        new_value text,
        request_id text NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX subscription_history_subscription ON subscription_history (subscription_id, seq)`);
    await queryRunner.query(`
      CREATE TABLE renewal_notice (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES subscription(id),
        customer_id uuid NOT NULL,
        partner_id uuid,
        end_date timestamptz NOT NULL,
        days_before int NOT NULL CHECK (days_before IN (60, 30, 7, 1)),
        recipients text[] NOT NULL,
        recorded_at timestamptz NOT NULL,
        UNIQUE (subscription_id, end_date, days_before)
      )`);
    await queryRunner.query(`CREATE INDEX renewal_notice_partner ON renewal_notice (partner_id, recorded_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE renewal_notice`);
    await queryRunner.query(`DROP TABLE subscription_history`);
    await queryRunner.query(`DROP TABLE licence_assignment`);
    await queryRunner.query(`DROP TABLE subscription`);
    await dropPlatformTables(queryRunner);
  }
}
