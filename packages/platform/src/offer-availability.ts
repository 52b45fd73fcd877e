import type { OfferAvailabilityFragment } from './service-documents.js';

/** offer.offerAvailability: may a partner sell an offer (in a country), within which quantities. */
export type OfferAvailability = OfferAvailabilityFragment;

/** An offer the partner may not sell: unknown, not authorised for the partner, or not sold in the country. */
export const unavailableOffer = (offerId: string): OfferAvailability => ({
  offerId,
  available: false,
  name: null,
  minQuantity: null,
  maxQuantity: null,
  isTrial: null,
  isAddOn: null,
  prerequisiteOfferIds: [],
  term: null,
  billingCycle: null,
  upgradeTargetIds: [],
  convertsToId: null,
  unitPrice: null,
  currency: null,
});
