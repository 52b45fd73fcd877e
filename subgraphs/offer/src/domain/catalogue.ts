import type { DataSource, SelectQueryBuilder } from 'typeorm';
import {
  authorize,
  decodeKeyset,
  isCountryCode,
  isUuid,
  pageSize,
  toConnection,
  type Connection,
  type OfferAvailability,
  type Viewer,
} from '@partner-graph/platform';
import { Offer, OFFER_CATEGORIES, type OfferCategory, type OfferRow } from '../db/index.js';
import { availabilityOf, normaliseCountry } from './rules.js';

/**
 * The catalogue as a partner sees it: an offer exists for a partner only when the partner is
 * authorised to sell it (the offer itself or its whole category) and it is sold somewhere.
 */
export class Catalogue {
  constructor(private readonly db: DataSource) {}

  /** Restricts `o` to the offers `partnerId` may sell, in `country` when given. */
  private visible(partnerId: string, country: string | null): SelectQueryBuilder<OfferRow> {
    const query = this.db
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

  /** One statement for any number of ids: the batch function of the per-request offer loader. */
  async visibleByIds(partnerId: string, ids: readonly string[]): Promise<OfferRow[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (valid.length === 0) return [];
    return this.visible(partnerId, null).andWhere('o.id = ANY(:ids)', { ids: valid }).getMany();
  }

  async list(
    viewer: Viewer,
    args: { country?: string | null; category?: OfferCategory | null; first?: number | null; after?: string | null },
  ): Promise<Connection<OfferRow>> {
    const { partnerId } = authorize(viewer);
    const country = normaliseCountry(args.country);
    const size = pageSize(args.first);
    const query = this.visible(partnerId, country);
    if (args.category) query.andWhere('o.category = :category', { category: args.category });
    const after = decodeKeyset(args.after, 'text');
    if (after) query.andWhere('(o.name, o.id) > (:afterName, :afterId)', { afterName: after.key, afterId: after.id });
    const rows = await query
      .orderBy('o.name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(size + 1)
      .getMany();
    return toConnection(rows, size, (row) => [row.name, row.id]);
  }

  async categories(viewer: Viewer, countryArg: string | null | undefined): Promise<OfferCategory[]> {
    const { partnerId } = authorize(viewer);
    const country = normaliseCountry(countryArg);
    const rows: { category: OfferCategory }[] = await this.visible(partnerId, country)
      .select('o.category', 'category')
      .distinct(true)
      .getRawMany();
    const present = new Set(rows.map((row) => row.category));
    return OFFER_CATEGORIES.filter((category) => present.has(category));
  }

  /** May `partnerId` sell each offer in `country`? One entry per id, in order; unknown ids are simply unavailable. */
  /** `country` null: sold in any country (ordering product keys, which carry no country). */
  async availability(partnerId: string, countryArg: string | null | undefined, offerIds: readonly string[]): Promise<OfferAvailability[]> {
    const country = countryArg == null ? null : countryArg.trim().toUpperCase();
    const rows = isUuid(partnerId) && (country === null || isCountryCode(country)) ? await this.visibleByIds(partnerId, offerIds) : [];
    return availabilityOf(offerIds, rows, country);
  }
}
