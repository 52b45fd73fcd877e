import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEMO_FRENCH_DESCRIPTIONS } from '../seed.js';

/** Offer descriptions in other languages than English (a customer reads its offer in its language); the demo catalogue's French ones where its offers exist. */
export class OfferDescriptionTranslations1764700000000 implements MigrationInterface {
  name = 'OfferDescriptionTranslations1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offer ADD COLUMN translated_descriptions jsonb NOT NULL DEFAULT '{}'`);
    for (const [offerId, description] of Object.entries(DEMO_FRENCH_DESCRIPTIONS)) {
      await queryRunner.query(`UPDATE offer SET translated_descriptions = jsonb_build_object('fr', $2::text) WHERE id = $1`, [
        offerId,
        description,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offer DROP COLUMN translated_descriptions`);
  }
}
