import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPlatformTables, dropPlatformTables } from '@partner-graph/platform';

/** Creates product keys (stored hashed), their redemptions and renewals, and the platform's audit and idempotency tables. */
export class ProductKeys1764100000000 implements MigrationInterface {
  name = 'ProductKeys1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPlatformTables(queryRunner);
    await queryRunner.query(`
      CREATE TABLE product_key_redemption (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL,
        used_for text NOT NULL CHECK (used_for IN ('NEW_ACCOUNT', 'RENEWAL')),
        status text NOT NULL CHECK (status IN ('PENDING', 'ACCOUNT_CREATED', 'COMPLETED', 'FAILED')),
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        offer_id uuid NOT NULL,
        key_ids uuid[] NOT NULL,
        seats int NOT NULL CHECK (seats > 0),
        term_months int NOT NULL CHECK (term_months > 0),
        customer jsonb,
        requested_by jsonb NOT NULL,
        customer_id uuid,
        subscription_id uuid,
        admin_user_name text,
        end_date timestamptz,
        failure_code text,
        failure_message text,
        failure_field text,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        completed_at timestamptz,
        UNIQUE (partner_id, used_for, idempotency_key)
      )`);
    // The resume job looks only at unfinished flows.
    await queryRunner.query(
      `CREATE INDEX product_key_redemption_unfinished ON product_key_redemption (updated_at) WHERE status IN ('PENDING', 'ACCOUNT_CREATED')`,
    );
    await queryRunner.query(`
      CREATE TABLE product_key (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL,
        offer_id uuid NOT NULL,
        key_hash text NOT NULL UNIQUE,
        last_five text NOT NULL CHECK (length(last_five) = 5),
        seats int NOT NULL CHECK (seats > 0),
        term_months int NOT NULL CHECK (term_months > 0),
        state text NOT NULL CHECK (state IN ('AVAILABLE', 'REDEEMED', 'REVOKED')),
        order_id uuid NOT NULL,
        ordered_by uuid,
        ordered_at timestamptz NOT NULL,
        redemption_id uuid REFERENCES product_key_redemption(id),
        used_for text CHECK (used_for IN ('NEW_ACCOUNT', 'RENEWAL')),
        redeemed_at timestamptz,
        customer_id uuid,
        subscription_id uuid,
        updated_at timestamptz NOT NULL,
        CHECK (state <> 'REDEEMED' OR (redemption_id IS NOT NULL AND redeemed_at IS NOT NULL AND subscription_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX product_key_partner_ordered ON product_key (partner_id, ordered_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX product_key_partner_state_ordered ON product_key (partner_id, state, ordered_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX product_key_reserved_by ON product_key (redemption_id) WHERE redemption_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX product_key_order ON product_key (partner_id, order_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE product_key`);
    await queryRunner.query(`DROP TABLE product_key_redemption`);
    await dropPlatformTables(queryRunner);
  }
}
