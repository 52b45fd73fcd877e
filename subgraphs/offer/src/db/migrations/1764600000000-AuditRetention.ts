import type { MigrationInterface, QueryRunner } from 'typeorm';
import { allowAuditRetention, forbidAuditRetention } from '@partner-graph/platform';

/** Audit records older than the retention may be purged (by the daily job only), found by time. */
export class AuditRetention1764600000000 implements MigrationInterface {
  name = 'AuditRetention1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await allowAuditRetention(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await forbidAuditRetention(queryRunner);
  }
}
