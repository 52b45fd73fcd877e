import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPlatformTables, dropPlatformTables } from '@partner-graph/platform';

/** Creates customers with their partner relationships, users, service requests, delegated administration and provisioning work. */
export class CustomerAccounts1763900000000 implements MigrationInterface {
  name = 'CustomerAccounts1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createPlatformTables(queryRunner);
    await queryRunner.query(`
      CREATE TABLE customer (
        id uuid PRIMARY KEY,
        company_name text NOT NULL,
        default_domain text NOT NULL,
        tenant_id uuid,
        country char(2) NOT NULL,
        address_line1 text,
        address_line2 text,
        city text,
        region text,
        postal_code text,
        contact_first_name text NOT NULL,
        contact_last_name text NOT NULL,
        contact_email text NOT NULL,
        contact_phone text,
        language text NOT NULL,
        culture text NOT NULL,
        provisioning_state text NOT NULL CHECK (provisioning_state IN ('PROVISIONING', 'ACTIVE', 'FAILED')),
        provisioning_error text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Domains are globally unique, whatever their case.
    await queryRunner.query(`CREATE UNIQUE INDEX customer_default_domain ON customer (lower(default_domain))`);
    // One row per partner a customer relates to. The sort and search keys are copied here (lowercase,
    // byte order) so one index serves a partner's keyset page and its prefix search.
    await queryRunner.query(`
      CREATE TABLE customer_partner (
        customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
        partner_id uuid NOT NULL,
        relationship text NOT NULL CHECK (relationship IN ('RESELLER', 'ADVISOR', 'DELEGATED_ADMIN')),
        name_key text COLLATE "C" NOT NULL,
        domain_key text COLLATE "C" NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (customer_id, partner_id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX customer_partner_by_name ON customer_partner (partner_id, name_key, customer_id)`);
    await queryRunner.query(`CREATE INDEX customer_partner_by_domain ON customer_partner (partner_id, domain_key)`);
    await queryRunner.query(`
      CREATE TABLE customer_user (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
        user_name text NOT NULL,
        first_name text NOT NULL,
        last_name text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        password_hash text NOT NULL,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX customer_user_name ON customer_user (lower(user_name))`);
    await queryRunner.query(`CREATE INDEX customer_user_customer ON customer_user (customer_id, user_name)`);
    await queryRunner.query(`CREATE INDEX customer_user_deleted ON customer_user (deleted_at) WHERE deleted_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE service_request (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
        partner_id uuid NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('CRITICAL', 'MODERATE', 'MINIMAL')),
        status text NOT NULL CHECK (status IN ('OPEN', 'ATTENTION_NEEDED', 'CLOSED')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX service_request_customer ON service_request (customer_id, created_at DESC, id)`);
    await queryRunner.query(`
      CREATE TABLE service_request_note (
        id uuid PRIMARY KEY,
        service_request_id uuid NOT NULL REFERENCES service_request(id) ON DELETE CASCADE,
        author_user_id uuid,
        text text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX service_request_note_request ON service_request_note (service_request_id, created_at, id)`);
    await queryRunner.query(`
      CREATE TABLE delegated_admin_relationship (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
        partner_id uuid NOT NULL,
        access text NOT NULL CHECK (access IN ('FULL', 'LIMITED')),
        status text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'TERMINATED', 'EXPIRED')),
        code_hash text UNIQUE,
        created_at timestamptz NOT NULL,
        accepted_at timestamptz,
        expires_at timestamptz NOT NULL,
        terminated_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX delegated_admin_partner_customer ON delegated_admin_relationship (partner_id, customer_id, created_at)`,
    );
    // The provisioning work of a new account: what to create, and what was created so far (resumable).
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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'customer_provisioning',
      'delegated_admin_relationship',
      'service_request_note',
      'service_request',
      'customer_user',
      'customer_partner',
      'customer',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await dropPlatformTables(queryRunner);
  }
}
