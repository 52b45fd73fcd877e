import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A partner user's email is unique within its partner, so creating one never reveals another partner's users. */
export class PartnerUserEmailPerPartner1764200000000 implements MigrationInterface {
  name = 'PartnerUserEmailPerPartner1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX partner_user_email`);
    await queryRunner.query(`CREATE UNIQUE INDEX partner_user_email ON partner_user (partner_id, lower(email))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX partner_user_email`);
    await queryRunner.query(`CREATE UNIQUE INDEX partner_user_email ON partner_user (lower(email))`);
  }
}
