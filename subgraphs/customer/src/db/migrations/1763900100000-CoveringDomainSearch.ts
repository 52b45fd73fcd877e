import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets a domain-prefix search read its matches from the index alone (they are re-sorted by name). */
export class CoveringDomainSearch1763900100000 implements MigrationInterface {
  name = 'CoveringDomainSearch1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_partner_by_domain`);
    await queryRunner.query(
      `CREATE INDEX customer_partner_by_domain ON customer_partner (partner_id, domain_key) INCLUDE (name_key, customer_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_partner_by_domain`);
    await queryRunner.query(`CREATE INDEX customer_partner_by_domain ON customer_partner (partner_id, domain_key)`);
  }
}
