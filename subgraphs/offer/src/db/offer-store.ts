import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Offer, type OfferCategory, type OfferRow } from './entities.js';

/**
 * The catalogue's offers as one partner may sell them: the partner is authorised for the offer
 * itself or its whole category, and the offer is sold somewhere (in `country` when given).
 */
export class OfferStore {
  constructor(private readonly db: DataSource) {}

  /** Restricts `o` to the offers `partnerId` may sell, in `country` when given. */
  private visible(partnerId: string, country: string | null, manager: EntityManager): SelectQueryBuilder<OfferRow> {
    const query = manager
      .getRepository(Offer)
      .createQueryBuilder('o')
      .where('cardinality(o.countries) > 0')
      .andWhere(
        'EXISTS (SELECT 1 FROM offer_authorisation a WHERE a.partner_id = :partnerId AND (a.offer_id = o.id OR a.category = o.category))',
        { partnerId },
      );
    // `@>` (not `= ANY`) so the GIN index on countries serves it.
    if (country) query.andWhere('o.countries @> ARRAY[:country]::text[]', { country });
    return query;
  }

  /** The partner's offers among `ids` (UUIDs), in one statement. */
  visibleByIds(partnerId: string, ids: string[], manager: EntityManager = this.db.manager): Promise<OfferRow[]> {
    return this.visible(partnerId, null, manager).andWhere('o.id = ANY(:ids)', { ids }).getMany();
  }

  /** A page of the partner's offers by name after an (name, id) position. */
  page(
    partnerId: string,
    args: { country: string | null; category: OfferCategory | null; after: { key: string; id: string } | null; limit: number },
    manager: EntityManager = this.db.manager,
  ): Promise<OfferRow[]> {
    const query = this.visible(partnerId, args.country, manager);
    if (args.category) query.andWhere('o.category = :category', { category: args.category });
    if (args.after) query.andWhere('(o.name, o.id) > (:afterName, :afterId)', { afterName: args.after.key, afterId: args.after.id });
    return query.orderBy('o.name', 'ASC').addOrderBy('o.id', 'ASC').limit(args.limit).getMany();
  }

  /** The categories of the partner's offers (in `country` when given). */
  async categoriesOf(partnerId: string, country: string | null, manager: EntityManager = this.db.manager): Promise<Set<OfferCategory>> {
    const rows: { category: OfferCategory }[] = await this.visible(partnerId, country, manager)
      .select('o.category', 'category')
      .distinct(true)
      .getRawMany();
    return new Set(rows.map((row) => row.category));
  }
}
