import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The customer's own code to end a delegated-admin relationship, handed out (hashed here) when it accepts. */
export class CustomerSideTermination1764200000000 implements MigrationInterface {
  name = 'CustomerSideTermination1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE delegated_admin_relationship ADD COLUMN termination_code_hash text UNIQUE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE delegated_admin_relationship DROP COLUMN termination_code_hash`);
  }
}
