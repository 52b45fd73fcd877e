import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Records each customer's acceptance of a trial invitation or purchase offer, PENDING until its account exists. */
export class OfferAcceptances1764000000000 implements MigrationInterface {
  name = 'OfferAcceptances1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE offer_acceptance (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL,
        trial_invitation_id uuid REFERENCES trial_invitation(id),
        purchase_offer_id uuid REFERENCES purchase_offer(id),
        idempotency_key text,
        request_hash text NOT NULL,
        account_request jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED')),
        customer_id uuid,
        admin_user_id uuid,
        admin_user_name text,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        completed_at timestamptz,
        CHECK ((trial_invitation_id IS NULL) <> (purchase_offer_id IS NULL)),
        CHECK ((status = 'COMPLETED') = (customer_id IS NOT NULL AND completed_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX offer_acceptance_trial_key ON offer_acceptance (trial_invitation_id, idempotency_key) WHERE trial_invitation_id IS NOT NULL AND idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX offer_acceptance_purchase_key ON offer_acceptance (purchase_offer_id, idempotency_key) WHERE purchase_offer_id IS NOT NULL AND idempotency_key IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX offer_acceptance_pending ON offer_acceptance (updated_at) WHERE status = 'PENDING'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE offer_acceptance`);
  }
}
