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
import { OFFER_CATEGORIES, type OfferCategory, type OfferRow, type OfferStore } from '../db/index.js';
import { availabilityOf, normaliseCountry } from './rules.js';

/**
 * The catalogue as a partner sees it: an offer exists for a partner only when the partner is
 * authorised to sell it (the offer itself or its whole category) and it is sold somewhere.
 */
export class Catalogue {
  constructor(private readonly offers: OfferStore) {}

  /** One statement for any number of ids: the batch function of the per-request offer loader. */
  async visibleByIds(partnerId: string, ids: readonly string[]): Promise<OfferRow[]> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (valid.length === 0) return [];
    return this.offers.visibleByIds(partnerId, valid);
  }

  async list(
    viewer: Viewer,
    args: { country?: string | null; category?: OfferCategory | null; first?: number | null; after?: string | null },
  ): Promise<Connection<OfferRow>> {
    const { partnerId } = authorize(viewer);
    const country = normaliseCountry(args.country);
    const size = pageSize(args.first);
    const after = decodeKeyset(args.after, 'text');
    const rows = await this.offers.page(partnerId, { country, category: args.category ?? null, after, limit: size + 1 });
    return toConnection(rows, size, (row) => [row.name, row.id]);
  }

  async categories(viewer: Viewer, countryArg: string | null | undefined): Promise<OfferCategory[]> {
    const { partnerId } = authorize(viewer);
    const country = normaliseCountry(countryArg);
    const present = await this.offers.categoriesOf(partnerId, country);
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
