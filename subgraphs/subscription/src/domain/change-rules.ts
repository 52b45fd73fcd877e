import { addMonths, DomainError, type OfferAvailability } from '@partner-graph/platform';
import type { ScheduledChange, SubscriptionRow } from '../db/entities.js';
import {
  CANCELLABLE_STATUSES,
  CANCELLATION_WINDOW_HOURS,
  checkNotBelowAssigned,
  checkQuantity,
  newSubscription,
  quantityRangeOf,
  requireStatus,
  termMonthsOf,
  withinCancellationWindow,
  type HistoryEntry,
} from './rules.js';

/**
 * The partner's weekly work on a subscription it manages: upgrade, trial conversion,
 * cancellation within the window, and changes at renewal. Plain functions over rows and the offer
 * subgraph's answers; the service loads, calls and writes.
 */

/** An offer the viewer's partner may sell in the customer's country (the offer subgraph said `available`). */
type SoldOffer = OfferAvailability & { available: true };

function sold(offer: OfferAvailability | null | undefined, field: string): SoldOffer {
  if (!offer?.available)
    throw new DomainError('OFFER_NOT_AVAILABLE', "This offer is not available to you for this customer's country", field);
  return offer as SoldOffer;
}

/** An active add-on subscription of the customer, with its offer's prerequisites. */
export interface ActiveAddOn {
  friendlyName: string;
  prerequisiteOfferIds: readonly string[];
}

export interface UpgradeRequest {
  /** The offer subgraph's answer for the subscription's offer and for the target, in the customer's country. */
  current: OfferAvailability;
  target: OfferAvailability;
  quantity: number;
  assignedLicences: number;
  /** The customer's ACTIVE add-on subscriptions, and the offers of its other ACTIVE subscriptions. */
  addOns: readonly ActiveAddOn[];
  otherActiveOfferIds: readonly string[];
  newId: string;
}

/**
 * Upgrade: a new subscription of the target (a later offer of the family) starts at once with the
 * seats; the old one is REPLACED (its licences move with the service's store call). Never to a
 * lower offer or out of the family mid-term. An add-on whose only prerequisite was the old offer
 * follows when the target is also one of its prerequisites; otherwise the upgrade is refused, naming it.
 */
export function upgrade(
  subscription: SubscriptionRow,
  request: UpgradeRequest,
  now: Date,
): { upgraded: SubscriptionRow; previous: SubscriptionRow; addOnsFollowing: string[] } {
  requireStatus(subscription, ['ACTIVE'], 'upgrade');
  if (!request.current.upgradeTargetIds.includes(request.target.offerId)) {
    throw new DomainError(
      'UPGRADE_NOT_ALLOWED',
      "The target is not one of this offer's upgrades: a subscription only moves to a higher offer of its family mid-term",
      'targetOfferId',
    );
  }
  const target = sold(request.target, 'targetOfferId');
  checkQuantity(quantityRangeOf(target), request.quantity);
  checkNotBelowAssigned(request.quantity, request.assignedLicences);
  const addOnsFollowing: string[] = [];
  for (const addOn of request.addOns) {
    if (!addOn.prerequisiteOfferIds.includes(subscription.offerId)) continue;
    if (request.otherActiveOfferIds.some((offerId) => addOn.prerequisiteOfferIds.includes(offerId))) continue;
    if (!addOn.prerequisiteOfferIds.includes(target.offerId)) {
      throw new DomainError(
        'ADD_ON_NOT_SUPPORTED',
        `${addOn.friendlyName} needs ${subscription.friendlyName}, and ${target.name} does not support it: cancel the add-on first`,
        'targetOfferId',
      );
    }
    addOnsFollowing.push(addOn.friendlyName);
  }
  const fresh = newSubscription(
    {
      id: request.newId,
      customerId: subscription.customerId,
      partnerId: subscription.partnerId,
      channel: subscription.channel,
      offer: target,
      quantity: request.quantity,
      isTrial: false,
      termMonths: null,
    },
    now,
  );
  const upgraded: SubscriptionRow = { ...fresh, autoRenew: subscription.autoRenew, renewedFromId: subscription.id };
  const previous: SubscriptionRow = {
    ...subscription,
    status: 'REPLACED',
    scheduledChange: null,
    version: subscription.version + 1,
    updatedAt: now,
  };
  return { upgraded, previous, addOnsFollowing };
}

/**
 * Trial conversion: the same subscription becomes its paid offer while the trial runs — not a
 * trial any more, a new term of the paid offer from `now`, renewing, with `quantity` seats within
 * the paid offer's limits. Licences stay where they are.
 */
export function convertTrial(
  subscription: SubscriptionRow,
  paid: OfferAvailability | null,
  quantity: number,
  assignedLicences: number,
  now: Date,
): { after: SubscriptionRow; changes: HistoryEntry[] } {
  if (!subscription.isTrial) throw new DomainError('NOT_A_TRIAL', 'This subscription is not a trial', 'id');
  if (['EXPIRED', 'DISABLED', 'DELETED'].includes(subscription.status) || subscription.endDate.getTime() <= now.getTime()) {
    throw new DomainError('TRIAL_EXPIRED', 'The trial has ended: buy the paid offer instead', 'id');
  }
  requireStatus(subscription, ['ACTIVE'], 'convert');
  if (!paid) throw new DomainError('NOT_A_TRIAL', 'This trial has no paid offer to convert to', 'id');
  const offer = sold(paid, 'id');
  checkQuantity(quantityRangeOf(offer), quantity);
  checkNotBelowAssigned(quantity, assignedLicences);
  const termMonths = termMonthsOf(offer.term);
  const after: SubscriptionRow = {
    ...subscription,
    offerId: offer.offerId,
    friendlyName: offer.name ?? subscription.friendlyName,
    isTrial: false,
    quantity,
    termMonths,
    billingCycle: offer.billingCycle,
    startDate: now,
    endDate: addMonths(now, termMonths),
    autoRenew: true,
    version: subscription.version + 1,
    updatedAt: now,
  };
  const fields = ['offerId', 'isTrial', 'quantity', 'termMonths', 'startDate', 'endDate', 'autoRenew'] as const;
  const text = (value: SubscriptionRow[(typeof fields)[number]]) => (value instanceof Date ? value.toISOString() : String(value));
  const changes = fields
    .filter((field) => text(after[field]) !== text(subscription[field]))
    .map((field) => ({ field, from: text(subscription[field]), to: text(after[field]) }));
  return { after, changes };
}

/**
 * The refund of a cancellation within the window: what was charged for the current billing period
 * (a month, or the whole term when billed annually), less the share of that period already used,
 * to the cent (half up). `unitPrice` is the monthly price of a licence as a decimal string.
 */
export function refundOf(subscription: SubscriptionRow, unitPrice: string, now: Date): string {
  const periodMonths = subscription.billingCycle === 'ANNUAL' ? subscription.termMonths : 1;
  const charged = Math.round(Number(unitPrice) * 100) * subscription.quantity * periodMonths;
  const period = addMonths(subscription.startDate, periodMonths).getTime() - subscription.startDate.getTime();
  const unused = Math.max(0, 1 - (now.getTime() - subscription.startDate.getTime()) / period);
  return (Math.round(charged * unused) / 100).toFixed(2);
}

/**
 * Cancellation within 168 hours of the start or the last renewal: CANCELLED at once (terminal),
 * with the refund recorded; the service frees the licences. After the window: CANCELLATION_WINDOW_CLOSED.
 */
export function cancel(subscription: SubscriptionRow, price: OfferAvailability, now: Date): SubscriptionRow {
  requireStatus(subscription, CANCELLABLE_STATUSES, 'cancel');
  if (!withinCancellationWindow(subscription, now)) {
    throw new DomainError(
      'CANCELLATION_WINDOW_CLOSED',
      `A subscription can be cancelled only within ${CANCELLATION_WINDOW_HOURS} hours of its start or last renewal`,
      'id',
    );
  }
  const offer = sold(price, 'id');
  return {
    ...subscription,
    status: 'CANCELLED',
    autoRenew: false,
    cancelledAt: now,
    refundAmount: refundOf(subscription, offer.unitPrice ?? '0', now),
    refundCurrency: offer.currency,
    scheduledChange: null,
    version: subscription.version + 1,
    updatedAt: now,
  };
}

export const SCHEDULABLE_TERMS = [1, 12, 36] as const;
export const BILLING_CYCLES = ['MONTHLY', 'ANNUAL'] as const;

export interface ChangeRequest {
  quantity?: number | null;
  offerId?: string | null;
  termMonths?: number | null;
  billingCycle?: string | null;
}

/** Two offers are of one family when one is an upgrade target of the other. */
function sameFamily(a: OfferAvailability, b: OfferAvailability): boolean {
  return a.upgradeTargetIds.includes(b.offerId) || b.upgradeTargetIds.includes(a.offerId);
}

/**
 * A change the subscription takes when its term renews (auto-renew on): a quantity within the
 * limits of the offer it will have and not below the licences assigned now, another offer of the
 * family (higher or lower: the new term starts with it), another term or billing cycle. A value
 * equal to the current one is no change; it replaces whatever was scheduled before.
 */
export function scheduleChange(
  subscription: SubscriptionRow,
  request: ChangeRequest,
  offers: { current: OfferAvailability; target: OfferAvailability | null },
  assignedLicences: number,
  now: Date,
): ScheduledChange {
  requireStatus(subscription, ['ACTIVE'], 'schedule a change of');
  if (!subscription.autoRenew || subscription.isTrial) {
    throw new DomainError(
      'AUTO_RENEW_OFF',
      'This subscription does not renew automatically: turn auto-renew on to change it at renewal',
      'id',
    );
  }
  const change: ScheduledChange = { scheduledAt: now.toISOString() };
  let offer = sold(offers.current, 'offerId');
  if (request.offerId != null && request.offerId !== subscription.offerId) {
    const target = sold(offers.target, 'offerId');
    if (!sameFamily(offers.current, target))
      throw new DomainError('VALIDATION_FAILED', `${target.name} is not of the same family as ${subscription.friendlyName}`, 'offerId');
    offer = target;
    change.offerId = target.offerId;
    change.offerName = target.name ?? undefined;
  }
  const quantity = request.quantity ?? subscription.quantity;
  checkQuantity(quantityRangeOf(offer), quantity);
  if (request.quantity != null && request.quantity !== subscription.quantity) {
    checkNotBelowAssigned(request.quantity, assignedLicences);
    change.quantity = request.quantity;
  }
  if (request.termMonths != null && request.termMonths !== subscription.termMonths) {
    if (!(SCHEDULABLE_TERMS as readonly number[]).includes(request.termMonths)) {
      throw new DomainError('VALIDATION_FAILED', `The term must be ${SCHEDULABLE_TERMS.join(', ')} months`, 'termMonths');
    }
    change.termMonths = request.termMonths;
  }
  if (request.billingCycle != null && request.billingCycle !== subscription.billingCycle) {
    if (!(BILLING_CYCLES as readonly string[]).includes(request.billingCycle)) {
      throw new DomainError('VALIDATION_FAILED', `The billing cycle must be ${BILLING_CYCLES.join(' or ')}`, 'billingCycle');
    }
    change.billingCycle = request.billingCycle;
  }
  if ((change.termMonths ?? subscription.termMonths) === 1 && (change.billingCycle ?? subscription.billingCycle) === 'ANNUAL') {
    throw new DomainError('VALIDATION_FAILED', 'A monthly term is billed monthly', 'billingCycle');
  }
  if (Object.keys(change).length === 1) throw new DomainError('VALIDATION_FAILED', 'Nothing would change at renewal', 'id');
  return change;
}

/** The parts of a scheduled change a mid-term change of `fields` clears: what remains scheduled, and what was cleared (null: nothing). */
export function clearScheduled(
  change: ScheduledChange | null | undefined,
  fields: readonly ('quantity' | 'offerId' | 'termMonths' | 'billingCycle')[],
): { remaining: ScheduledChange | null; cleared: ScheduledChange | null } {
  if (!change) return { remaining: null, cleared: null };
  const cleared: ScheduledChange = { scheduledAt: change.scheduledAt };
  const remaining: ScheduledChange = { ...change };
  for (const field of fields) {
    if (change[field] === undefined) continue;
    Object.assign(cleared, { [field]: change[field] });
    delete remaining[field];
    if (field === 'offerId') {
      cleared.offerName = change.offerName;
      delete remaining.offerName;
    }
  }
  const left = (['quantity', 'offerId', 'termMonths', 'billingCycle'] as const).some((field) => remaining[field] !== undefined);
  return { remaining: left ? remaining : null, cleared: Object.keys(cleared).length > 1 ? cleared : null };
}
