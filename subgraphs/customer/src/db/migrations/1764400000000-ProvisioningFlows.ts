import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createFlowTable, dropFlowTable } from '@partner-graph/platform';

/** Moves each account's provisioning work into the platform's flow table (its steps: the tenant, then each subscription by index). */
export class ProvisioningFlows1764400000000 implements MigrationInterface {
  name = 'ProvisioningFlows1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createFlowTable(queryRunner);
    await queryRunner.query(`
      INSERT INTO flow (id, kind, state, input, steps, attempts, last_error, created_at, updated_at, finished_at)
      SELECT p.customer_id::text, 'customer-provisioning',
        CASE WHEN p.completed_at IS NOT NULL THEN 'SUCCEEDED' WHEN c.provisioning_state = 'FAILED' THEN 'FAILED' ELSE 'RUNNING' END,
        jsonb_build_object('partnerId', p.partner_id, 'adminUserId', p.admin_user_id, 'subscriptions', p.subscriptions),
        COALESCE((SELECT jsonb_object_agg((s.i - 1)::text, s.id) FROM jsonb_array_elements(p.subscription_ids) WITH ORDINALITY AS s(id, i) WHERE s.id <> 'null'::jsonb), '{}'::jsonb)
          || CASE WHEN c.tenant_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('tenant', c.tenant_id) END,
        p.attempts, c.provisioning_error, p.created_at, p.updated_at, p.completed_at
      FROM customer_provisioning p JOIN customer c ON c.id = p.customer_id`);
    await queryRunner.query(`DROP TABLE customer_provisioning`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_provisioning (
        customer_id uuid PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE,
        partner_id uuid,
        admin_user_id uuid NOT NULL,
        subscriptions jsonb NOT NULL,
        subscription_ids jsonb NOT NULL DEFAULT '[]',
        attempts int NOT NULL DEFAULT 0,
        completed_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX customer_provisioning_pending ON customer_provisioning (created_at) WHERE completed_at IS NULL`);
    await queryRunner.query(`
      INSERT INTO customer_provisioning (customer_id, partner_id, admin_user_id, subscriptions, subscription_ids, attempts, completed_at, created_at, updated_at)
      SELECT f.id::uuid, (f.input->>'partnerId')::uuid, (f.input->>'adminUserId')::uuid, f.input->'subscriptions',
        (SELECT COALESCE(jsonb_agg(COALESCE(f.steps->((s.i - 1)::text), 'null'::jsonb) ORDER BY s.i), '[]'::jsonb) FROM jsonb_array_elements(f.input->'subscriptions') WITH ORDINALITY AS s(plan, i)),
        f.attempts, f.finished_at, f.created_at, f.updated_at
      FROM flow f WHERE f.kind = 'customer-provisioning'`);
    await dropFlowTable(queryRunner);
  }
}
