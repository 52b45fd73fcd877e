import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds the partner's webhook endpoints, the events handed over by every subgraph, and their deliveries. */
export class Webhooks1764300000000 implements MigrationInterface {
  name = 'Webhooks1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_endpoint (
        id uuid PRIMARY KEY,
        partner_id uuid NOT NULL REFERENCES partner(id),
        url text NOT NULL,
        event_types text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX webhook_endpoint_partner ON webhook_endpoint (partner_id, created_at, id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_event (
        id uuid PRIMARY KEY,
        sequence bigserial NOT NULL UNIQUE,
        partner_id uuid NOT NULL,
        type text NOT NULL,
        object_type text NOT NULL,
        object_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A delivery is one event owed to one endpoint; its attempts are the delivery log.
    await queryRunner.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        sequence bigserial NOT NULL UNIQUE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES webhook_event(id),
        object_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING'`);
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_object ON webhook_delivery (endpoint_id, object_id, sequence) WHERE status = 'PENDING'`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempt (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        http_status integer,
        latency_ms integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'RETRYING', 'FAILED')),
        next_retry_at timestamptz,
        error text
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_attempt_log ON webhook_delivery_attempt (endpoint_id, attempted_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery_attempt`);
    await queryRunner.query(`DROP TABLE webhook_delivery`);
    await queryRunner.query(`DROP TABLE webhook_event`);
    await queryRunner.query(`DROP TABLE webhook_endpoint`);
  }
}
