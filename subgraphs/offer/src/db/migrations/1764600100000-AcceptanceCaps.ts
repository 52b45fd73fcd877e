import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A partner may cap a link's acceptances; those of one link are counted by the link. */
export class AcceptanceCaps1764600100000 implements MigrationInterface {
  name = 'AcceptanceCaps1764600100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE trial_invitation ADD COLUMN max_acceptances int CHECK (max_acceptances >= 1)`);
    await queryRunner.query(`ALTER TABLE purchase_offer ADD COLUMN max_acceptances int CHECK (max_acceptances >= 1)`);
    await queryRunner.query(
      `CREATE INDEX offer_acceptance_trial_invitation ON offer_acceptance (trial_invitation_id) WHERE trial_invitation_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX offer_acceptance_purchase_offer ON offer_acceptance (purchase_offer_id) WHERE purchase_offer_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX offer_acceptance_purchase_offer`);
    await queryRunner.query(`DROP INDEX offer_acceptance_trial_invitation`);
    await queryRunner.query(`ALTER TABLE purchase_offer DROP COLUMN max_acceptances`);
    await queryRunner.query(`ALTER TABLE trial_invitation DROP COLUMN max_acceptances`);
  }
}
