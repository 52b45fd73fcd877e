import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createFlowTable, dropFlowTable } from '@partner-graph/platform';

/** Runs acceptances as the platform's flows: each PENDING one gets its flow row, and a refusal is kept as FAILED with its reason. */
export class AcceptanceFlows1764500000000 implements MigrationInterface {
  name = 'AcceptanceFlows1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createFlowTable(queryRunner);
    // Started before the flows: no secret was handed to them, so the customer subgraph makes the password (as the old resume job did).
    await queryRunner.query(`
      INSERT INTO flow (id, kind, state, input, steps, attempts, last_error, created_at, updated_at)
      SELECT id::text, 'offer-acceptance', 'RUNNING', '{"adminPasswordHash": null, "delegatedAdminTerminationCodeHash": null}'::jsonb, '{}'::jsonb,
        attempts, last_error, created_at, updated_at
      FROM offer_acceptance WHERE status = 'PENDING'`);
    await queryRunner.query(`DROP INDEX offer_acceptance_pending`);
    await queryRunner.query(`ALTER TABLE offer_acceptance DROP COLUMN attempts, DROP COLUMN last_error`);
    await queryRunner.query(
      `ALTER TABLE offer_acceptance ADD COLUMN failure_code text, ADD COLUMN failure_message text, ADD COLUMN failure_field text`,
    );
    await queryRunner.query(`ALTER TABLE offer_acceptance DROP CONSTRAINT offer_acceptance_status_check`);
    await queryRunner.query(
      `ALTER TABLE offer_acceptance ADD CONSTRAINT offer_acceptance_status_check CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED'))`,
    );
    await queryRunner.query(
      `ALTER TABLE offer_acceptance ADD CONSTRAINT offer_acceptance_failure_check CHECK ((status = 'FAILED') = (failure_code IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A refusal was not kept before: its record goes, as the old request removed it.
    await queryRunner.query(`DELETE FROM offer_acceptance WHERE status = 'FAILED'`);
    await queryRunner.query(`ALTER TABLE offer_acceptance DROP CONSTRAINT offer_acceptance_failure_check`);
    await queryRunner.query(`ALTER TABLE offer_acceptance DROP CONSTRAINT offer_acceptance_status_check`);
    await queryRunner.query(
      `ALTER TABLE offer_acceptance ADD CONSTRAINT offer_acceptance_status_check CHECK (status IN ('PENDING', 'COMPLETED'))`,
    );
    await queryRunner.query(
      `ALTER TABLE offer_acceptance DROP COLUMN failure_code, DROP COLUMN failure_message, DROP COLUMN failure_field`,
    );
    await queryRunner.query(`ALTER TABLE offer_acceptance ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN last_error text`);
    await queryRunner.query(
      `UPDATE offer_acceptance a SET attempts = f.attempts, last_error = f.last_error FROM flow f WHERE f.id = a.id::text`,
    );
    await queryRunner.query(`CREATE INDEX offer_acceptance_pending ON offer_acceptance (updated_at) WHERE status = 'PENDING'`);
    await dropFlowTable(queryRunner);
  }
}
