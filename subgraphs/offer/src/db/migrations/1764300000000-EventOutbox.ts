import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventOutboxTable, dropEventOutboxTable } from '@partner-graph/platform';

/** Adds the platform's event outbox: this subgraph's events are written with the change they report. */
export class EventOutbox1764300000000 implements MigrationInterface {
  name = 'EventOutbox1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createEventOutboxTable(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropEventOutboxTable(queryRunner);
  }
}
