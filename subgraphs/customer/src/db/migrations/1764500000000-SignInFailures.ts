import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed customer-admin sign-ins (accepting delegated administration), counted per code and per user name so every replica throttles alike. */
export class SignInFailures1764500000000 implements MigrationInterface {
  name = 'SignInFailures1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE sign_in_failure (id bigserial PRIMARY KEY, subject text NOT NULL, failed_at timestamptz NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX sign_in_failure_subject ON sign_in_failure (subject, failed_at)`);
    await queryRunner.query(`CREATE INDEX sign_in_failure_failed_at ON sign_in_failure (failed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sign_in_failure`);
  }
}
