import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPlatformTables, dropPlatformTables } from '@partner-graph/platform';

/** Creates the partner directory: partners, their users, and the platform's audit and idempotency tables. */
export class PartnerDirectory1763800000000 implements MigrationInterface {
  name = 'PartnerDirectory1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPlatformTables(queryRunner);
    await queryRunner.query(`
      CREATE TABLE partner (
        id uuid PRIMARY KEY,
        company_name text NOT NULL,
        address_line1 text NOT NULL,
        address_line2 text,
        city text NOT NULL,
        region text,
        postal_code text NOT NULL,
        country char(2) NOT NULL,
        phone text NOT NULL,
        email text NOT NULL,
        website text,
        mpn_id text NOT NULL UNIQUE,
        advisor_code text NOT NULL UNIQUE,
        programs text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE partner_user (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL REFERENCES partner(id),
        display_name text NOT NULL,
        email text NOT NULL,
        subject text NOT NULL UNIQUE,
        company_role text NOT NULL CHECK (company_role IN ('GLOBAL_ADMIN', 'USER_ADMIN', 'BILLING_ADMIN', 'NONE')),
        customer_access text NOT NULL CHECK (customer_access IN ('FULL', 'LIMITED', 'NONE')),
        active boolean NOT NULL DEFAULT true,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX partner_user_email ON partner_user (lower(email))`);
    await queryRunner.query(`CREATE INDEX partner_user_partner ON partner_user (partner_id, display_name, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE partner_user`);
    await queryRunner.query(`DROP TABLE partner`);
    await dropPlatformTables(queryRunner);
  }
}
