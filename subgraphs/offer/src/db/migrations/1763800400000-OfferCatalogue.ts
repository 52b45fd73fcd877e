import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPlatformTables, dropPlatformTables } from '@partner-graph/platform';

/** Creates the offer catalogue, the partners' authorisations to sell, trial invitations and purchase offers. */
export class OfferCatalogue1763800400000 implements MigrationInterface {
  name = 'OfferCatalogue1763800400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPlatformTables(queryRunner);
    await queryRunner.query(`
      CREATE TABLE offer (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        sku text NOT NULL UNIQUE,
        category text NOT NULL CHECK (category IN ('MICROSOFT_365_BUSINESS', 'OFFICE_365_ENTERPRISE', 'EXCHANGE_ONLINE')),
        description text NOT NULL,
        min_quantity int NOT NULL CHECK (min_quantity >= 1),
        max_quantity int NOT NULL,
        billing_cycle text NOT NULL CHECK (billing_cycle IN ('MONTHLY', 'ANNUAL')),
        term text NOT NULL CHECK (term IN ('P1M', 'P1Y')),
        is_trial boolean NOT NULL DEFAULT false,
        trial_days int,
        is_add_on boolean NOT NULL DEFAULT false,
        prerequisite_offer_ids uuid[] NOT NULL DEFAULT '{}',
        countries text[] NOT NULL DEFAULT '{}',
        unit_price numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
        currency char(3) NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (max_quantity >= min_quantity),
        CHECK (is_trial = (trial_days IS NOT NULL)),
        CHECK (is_add_on = (cardinality(prerequisite_offer_ids) > 0))
      )`);
    await queryRunner.query(`CREATE INDEX offer_name ON offer (name, id)`);
    await queryRunner.query(`CREATE INDEX offer_countries ON offer USING gin (countries)`);
    await queryRunner.query(`
      CREATE TABLE offer_authorisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        partner_id uuid NOT NULL,
        offer_id uuid REFERENCES offer(id),
        category text CHECK (category IN ('MICROSOFT_365_BUSINESS', 'OFFICE_365_ENTERPRISE', 'EXCHANGE_ONLINE')),
        created_at timestamptz NOT NULL,
        CHECK ((offer_id IS NULL) <> (category IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX offer_authorisation_offer ON offer_authorisation (partner_id, offer_id) WHERE offer_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX offer_authorisation_category ON offer_authorisation (partner_id, category) WHERE category IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE trial_invitation (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL,
        offer_id uuid NOT NULL REFERENCES offer(id),
        include_delegated_admin boolean NOT NULL,
        advisor_code text NOT NULL,
        code text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
        acceptance_count int NOT NULL DEFAULT 0 CHECK (acceptance_count >= 0),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX trial_invitation_partner ON trial_invitation (partner_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE purchase_offer (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL,
        include_delegated_admin boolean NOT NULL,
        advisor_code text NOT NULL,
        code text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
        acceptance_count int NOT NULL DEFAULT 0 CHECK (acceptance_count >= 0),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX purchase_offer_partner ON purchase_offer (partner_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE purchase_offer_line (
        purchase_offer_id uuid NOT NULL REFERENCES purchase_offer(id) ON DELETE CASCADE,
        position int NOT NULL,
        offer_id uuid NOT NULL REFERENCES offer(id),
        quantity int NOT NULL CHECK (quantity >= 1),
        PRIMARY KEY (purchase_offer_id, position),
        UNIQUE (purchase_offer_id, offer_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE purchase_offer_line`);
    await queryRunner.query(`DROP TABLE purchase_offer`);
    await queryRunner.query(`DROP TABLE trial_invitation`);
    await queryRunner.query(`DROP TABLE offer_authorisation`);
    await queryRunner.query(`DROP TABLE offer`);
    await dropPlatformTables(queryRunner);
  }
}
