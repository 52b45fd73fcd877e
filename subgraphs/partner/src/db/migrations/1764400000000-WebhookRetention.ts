import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The daily purge finds old events, and their deliveries, by index. */
export class WebhookRetention1764400000000 implements MigrationInterface {
  name = 'WebhookRetention1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX webhook_event_received ON webhook_event (received_at)`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX webhook_delivery_event`);
    await queryRunner.query(`DROP INDEX webhook_event_received`);
  }
}
