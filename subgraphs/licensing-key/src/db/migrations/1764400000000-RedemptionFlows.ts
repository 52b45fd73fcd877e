import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createFlowTable, dropFlowTable } from '@partner-graph/platform';

/** Runs redemptions and renewals as the platform's flows: each unfinished one gets its flow row (an account already made is its first step). */
export class RedemptionFlows1764400000000 implements MigrationInterface {
  name = 'RedemptionFlows1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createFlowTable(queryRunner);
    await queryRunner.query(`
      INSERT INTO flow (id, kind, state, input, steps, attempts, created_at, updated_at)
      SELECT id::text, 'product-key-redemption', 'RUNNING', '{"adminPasswordHash": null}'::jsonb,
        CASE WHEN status = 'ACCOUNT_CREATED' THEN jsonb_build_object('account', jsonb_build_object('customerId', customer_id, 'adminUserName', admin_user_name)) ELSE '{}'::jsonb END,
        attempts, created_at, updated_at
      FROM product_key_redemption WHERE status IN ('PENDING', 'ACCOUNT_CREATED')`);
    await queryRunner.query(`ALTER TABLE product_key_redemption DROP COLUMN attempts`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE product_key_redemption ADD COLUMN attempts int NOT NULL DEFAULT 0`);
    await queryRunner.query(`UPDATE product_key_redemption r SET attempts = f.attempts FROM flow f WHERE f.id = r.id::text`);
    await dropFlowTable(queryRunner);
  }
}
