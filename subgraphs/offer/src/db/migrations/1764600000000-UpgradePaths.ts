import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEMO_CONVERSIONS, DEMO_FAMILIES } from '../seed.js';

/** Upgrade paths between the offers of a family and a trial's paid offer; the demo catalogue's links where its offers exist. */
export class UpgradePaths1764600000000 implements MigrationInterface {
  name = 'UpgradePaths1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offer ADD COLUMN upgrade_target_ids uuid[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE offer ADD COLUMN converts_to_id uuid REFERENCES offer(id)`);
    await queryRunner.query(`ALTER TABLE offer ADD CONSTRAINT offer_converts_from_trial CHECK (converts_to_id IS NULL OR is_trial)`);
    for (const family of DEMO_FAMILIES) {
      for (const [index, offerId] of family.entries()) {
        await queryRunner.query(`UPDATE offer SET upgrade_target_ids = $2::uuid[] WHERE id = $1`, [offerId, family.slice(index + 1)]);
      }
    }
    for (const [trial, paid] of DEMO_CONVERSIONS) {
      await queryRunner.query(`UPDATE offer SET converts_to_id = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM offer WHERE id = $2)`, [
        trial,
        paid,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offer DROP CONSTRAINT offer_converts_from_trial`);
    await queryRunner.query(`ALTER TABLE offer DROP COLUMN converts_to_id`);
    await queryRunner.query(`ALTER TABLE offer DROP COLUMN upgrade_target_ids`);
  }
}
