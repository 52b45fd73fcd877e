import {
  addDays,
  addMonths,
  DomainError,
  effectiveCustomerAccess,
  isAllowed,
  DAY_MS,
  type AccessRule,
  type CustomerAccessInfo,
  type EventType,
  type OfferAvailability,
  type Viewer,
} from '@partner-graph/platform';
import type { ScheduledChange, SubscriptionChannel, SubscriptionRow, SubscriptionStatus } from '../db/entities.js';

/** Reading customers' subscriptions (docs/api.md, "Who may do what"). */
export const READ_SUBSCRIPTIONS: AccessRule = { customerAccess: ['FULL', 'LIMITED'] };
/** Adding and changing subscriptions the partner sold. */
export const SELL_SUBSCRIPTIONS: AccessRule = { customerAccess: ['FULL'], programs: ['RESELLER'] };
/** Assigning licences (an admin action in the customer's tenant), renewing with direct billing. */
export const ADMINISTER_CUSTOMER: AccessRule = { customerAccess: ['FULL'] };
/** Renewing with a product key. */
export const RENEW_WITH_KEYS: AccessRule = { customerAccess: ['FULL'], programs: ['SUBSCRIPTION_ADVISOR'] };

export const RENEWAL_NOTICE_DAYS = [60, 30, 7, 1] as const;
/** Days after the end date: users keep access while EXPIRED, then DISABLED until deletion. */
export const EXPIRED_DAYS = 30;
export const DELETED_AFTER_DAYS = 120;
export const TRIAL_DAYS = 30;

export type SubscriptionAction =
  | 'CHANGE_QUANTITY'
  | 'SUSPEND'
  | 'ACTIVATE'
  | 'SET_AUTO_RENEW'
  | 'ASSIGN_LICENCE'
  | 'UNASSIGN_LICENCE'
  | 'RENEW'
  | 'RENEW_WITH_PRODUCT_KEY'
  | 'UPGRADE'
  | 'CONVERT_TRIAL'
  | 'CANCEL'
  | 'SCHEDULE_CHANGE'
  | 'REMOVE_SCHEDULED_CHANGE';

/** `P1M` → 1, `P1Y` → 12, `P3Y` → 36; anything unreadable is a yearly term. */
export function termMonthsOf(term: string | null | undefined): number {
  const match = /^P(\d+)([MY])$/.exec(term ?? '');
  if (!match) return 12;
  return Number(match[1]) * (match[2] === 'Y' ? 12 : 1);
}

/** The end of a term starting at `start`; a trial without an explicit term lasts 30 days. */
export function termEnd(start: Date, termMonths: number, trialDays: boolean): Date {
  return trialDays ? addDays(start, TRIAL_DAYS) : addMonths(start, termMonths);
}

/** Only what the viewer's partner sold as reseller can change; direct and other partners' sales are view-only. */
export function isSoldBy(viewer: Viewer, subscription: SubscriptionRow): boolean {
  return viewer.kind === 'partner-user' && subscription.channel === 'RESELLER' && subscription.partnerId === viewer.partnerId;
}

/**
 * Renewing (with direct billing or with a product key) is for the partner on record of a
 * subscription it sold (reseller or product key); an advisor's sale is billed directly already,
 * so it is view-only too, like a direct purchase or another partner's sale.
 */
export function isRenewableBy(viewer: Viewer, subscription: SubscriptionRow): boolean {
  return (
    viewer.kind === 'partner-user' &&
    subscription.channel !== 'DIRECT' &&
    subscription.channel !== 'ADVISOR' &&
    subscription.partnerId === viewer.partnerId
  );
}

/**
 * Licences are an admin action in the customer's tenant (docs/api.md, "Who may do what"): FULL effective access on
 * the customer — the lesser of the viewer's and its partner's admin rights — on any of its
 * subscriptions, whoever sold them.
 */
export function mayAssignLicences(viewer: Viewer, access: CustomerAccessInfo | null): boolean {
  return access !== null && effectiveCustomerAccess(viewer, access.adminAccess) === 'FULL';
}

export const RENEWABLE_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'EXPIRED', 'DISABLED'];
/** A key extends any live term; a DELETED or REPLACED subscription is gone. */
export const KEY_RENEWABLE_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED'];
/** Licences can be taken back until the subscription is gone. */
export const UNASSIGNABLE_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED'];

/** The seats an offer allows (no bound given: 1 and unbounded). */
export function quantityRangeOf(offer: { minQuantity: number | null; maxQuantity: number | null }): { min: number; max: number } {
  return { min: offer.minQuantity ?? 1, max: offer.maxQuantity ?? Number.MAX_SAFE_INTEGER };
}

/** What the rules need to know beyond the row: its licences, the offer as the viewer's partner may sell it, and the time. */
export interface ActionFacts {
  assignedLicences: number;
  /** null when the viewer's partner may no longer sell the offer in the customer's country */
  quantityRange: { min: number; max: number } | null;
  /** The offer's upgrade targets and a trial's paid offer (empty / null when the offer is not sold to the viewer's partner). */
  upgradeTargetIds: readonly string[];
  convertsToId: string | null;
  now: Date;
}

/** The cancellation window: 7 days from the start of the subscription or of its current term. */
export const CANCELLATION_WINDOW_HOURS = 168;
const HOUR_MS = 60 * 60 * 1000;

/**
 * Inside the window at `now`? The window is closed at both ends: at exactly 168 hours a
 * cancellation is still accepted (Partner Center counts "within 168 hours"); a millisecond later it is not.
 */
export function withinCancellationWindow(subscription: SubscriptionRow, now: Date): boolean {
  const elapsed = now.getTime() - subscription.startDate.getTime();
  return elapsed >= 0 && elapsed <= CANCELLATION_WINDOW_HOURS * HOUR_MS;
}

/** A trial converts while it runs: ACTIVE and before its end date. */
export function trialRunning(subscription: SubscriptionRow, now: Date): boolean {
  return subscription.isTrial && subscription.status === 'ACTIVE' && subscription.endDate.getTime() > now.getTime();
}

export const CANCELLABLE_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'SUSPENDED'];

/**
 * What the viewer may do with the subscription now — only what the mutation would accept: rules
 * first, then status, then the facts (a trial's fixed seats, a full or empty subscription).
 */
export function allowedActions(
  viewer: Viewer,
  subscription: SubscriptionRow,
  access: CustomerAccessInfo | null,
  facts: ActionFacts,
): SubscriptionAction[] {
  if (!access || !isAllowed(viewer, ADMINISTER_CUSTOMER)) return [];
  const actions: SubscriptionAction[] = [];
  const status = subscription.status;
  if (isSoldBy(viewer, subscription) && isAllowed(viewer, SELL_SUBSCRIPTIONS)) {
    // Some other quantity must be acceptable: within the offer's range, not below the assigned licences.
    const range = facts.quantityRange;
    const lowest = range ? Math.max(range.min, facts.assignedLicences) : 0;
    if (status === 'ACTIVE' && range && lowest <= range.max && !(lowest === range.max && subscription.quantity === lowest))
      actions.push('CHANGE_QUANTITY');
    if (status === 'ACTIVE') actions.push('SUSPEND');
    if (status === 'SUSPENDED') actions.push('ACTIVATE');
    if ((status === 'ACTIVE' || status === 'SUSPENDED') && !subscription.isTrial) actions.push('SET_AUTO_RENEW');
    if (status === 'ACTIVE' && range && !subscription.isTrial && facts.upgradeTargetIds.length > 0) actions.push('UPGRADE');
    if (trialRunning(subscription, facts.now) && facts.convertsToId) actions.push('CONVERT_TRIAL');
    if (CANCELLABLE_STATUSES.includes(status) && withinCancellationWindow(subscription, facts.now)) actions.push('CANCEL');
    if (status === 'ACTIVE' && range && subscription.autoRenew && !subscription.isTrial) actions.push('SCHEDULE_CHANGE');
    if (subscription.scheduledChange) actions.push('REMOVE_SCHEDULED_CHANGE');
  }
  if (mayAssignLicences(viewer, access)) {
    if (status === 'ACTIVE' && facts.assignedLicences < subscription.quantity) actions.push('ASSIGN_LICENCE');
    if (UNASSIGNABLE_STATUSES.includes(status) && facts.assignedLicences > 0) actions.push('UNASSIGN_LICENCE');
  }
  if (isRenewableBy(viewer, subscription) && RENEWABLE_STATUSES.includes(status) && !(status === 'ACTIVE' && subscription.autoRenew)) {
    actions.push('RENEW');
  }
  if (isRenewableBy(viewer, subscription) && isAllowed(viewer, RENEW_WITH_KEYS) && KEY_RENEWABLE_STATUSES.includes(status))
    actions.push('RENEW_WITH_PRODUCT_KEY');
  return actions;
}

export interface LifecycleStep {
  field: 'status' | 'startDate' | 'endDate' | 'quantity' | 'offerId' | 'termMonths' | 'billingCycle';
  from: string;
  to: string;
}

const STATUS_EVENTS = {
  EXPIRED: 'subscription.expired',
  DISABLED: 'subscription.disabled',
  DELETED: 'subscription.deleted',
} as const satisfies Record<string, EventType>;

const RENEWAL_FIELDS: LifecycleStep['field'][] = ['startDate', 'endDate'];

/**
 * The events a lifecycle run reports: one per status step, in order (a late run that expires and
 * disables reports both), else one renewal, followed by the scheduled change it applied, if any.
 */
export function lifecycleEvents(steps: LifecycleStep[]): { type: EventType; changes: LifecycleStep[] }[] {
  const statusSteps = steps.filter((step) => step.field === 'status');
  if (statusSteps.length > 0)
    return statusSteps.map((step) => ({ type: STATUS_EVENTS[step.to as keyof typeof STATUS_EVENTS], changes: [step] }));
  const applied = steps.filter((step) => !RENEWAL_FIELDS.includes(step.field));
  const renewed = { type: 'subscription.renewed' as const, changes: steps };
  return applied.length > 0 ? [renewed, { type: 'subscription.scheduled_change_applied', changes: applied }] : [renewed];
}

/**
 * Where the lifecycle puts a subscription at `now`, however late the job runs: renewing
 * terms one after the other, or walking EXPIRED → DISABLED → DELETED through each step.
 * A renewal applies the scheduled change at the first term it starts, and clears it, so it
 * applies once however many terms a late run catches up; its quantity never goes below the
 * licences assigned by then (`assignedLicences`).
 */
export function advanceLifecycle(row: SubscriptionRow, now: Date, assignedLicences = 0): { next: SubscriptionRow; steps: LifecycleStep[] } {
  const next = { ...row };
  const steps: LifecycleStep[] = [];
  const setStatus = (status: SubscriptionStatus) => {
    steps.push({ field: 'status', from: next.status, to: status });
    next.status = status;
  };
  const daysPastEnd = (now.getTime() - next.endDate.getTime()) / DAY_MS;
  if (next.endDate.getTime() > now.getTime()) return { next, steps };

  if (next.status === 'ACTIVE' && next.autoRenew && !next.isTrial) {
    const oldStart = next.startDate;
    const oldEnd = next.endDate;
    const applied = next.scheduledChange ? applyScheduledChange(next, next.scheduledChange, assignedLicences) : [];
    next.scheduledChange = null;
    while (next.endDate.getTime() <= now.getTime()) {
      next.startDate = next.endDate;
      next.endDate = addMonths(next.endDate, next.termMonths);
    }
    steps.push({ field: 'startDate', from: oldStart.toISOString(), to: next.startDate.toISOString() });
    steps.push({ field: 'endDate', from: oldEnd.toISOString(), to: next.endDate.toISOString() });
    steps.push(...applied);
    return { next, steps };
  }
  if (next.status === 'ACTIVE') setStatus('EXPIRED');
  if (next.status === 'SUSPENDED') setStatus('DISABLED');
  if (next.status === 'EXPIRED' && daysPastEnd >= EXPIRED_DAYS) setStatus('DISABLED');
  if (next.status === 'DISABLED' && daysPastEnd >= DELETED_AFTER_DAYS) setStatus('DELETED');
  return { next, steps };
}

/** Sets the scheduled change's parts on `next` (a renewing row) and returns a step per field that changed. */
function applyScheduledChange(next: SubscriptionRow, change: ScheduledChange, assignedLicences: number): LifecycleStep[] {
  const steps: LifecycleStep[] = [];
  const set = <K extends 'quantity' | 'offerId' | 'termMonths' | 'billingCycle'>(field: K, value: SubscriptionRow[K] | undefined) => {
    if (value === undefined || value === next[field]) return;
    steps.push({ field, from: String(next[field]), to: String(value) });
    next[field] = value;
  };
  set('quantity', change.quantity === undefined ? undefined : Math.max(change.quantity, assignedLicences));
  set('offerId', change.offerId);
  if (change.offerId && change.offerName) next.friendlyName = change.offerName;
  set('termMonths', change.termMonths);
  set('billingCycle', change.billingCycle);
  return steps;
}

/** A term in months, as a caller gives it (provisioning, a product key): 1 to 60. */
export function checkTermMonths(months: number, field: string): void {
  if (!Number.isInteger(months) || months < 1 || months > 60)
    throw new DomainError('VALIDATION_FAILED', `${field} must be between 1 and 60`, field);
}

/** The seats must be within the offer's range. */
export function checkQuantity(range: { min: number; max: number }, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < range.min || quantity > range.max) {
    throw new DomainError('QUANTITY_OUT_OF_RANGE', `The quantity must be between ${range.min} and ${range.max}`, 'quantity');
  }
}

/** Optimistic concurrency: a caller that read an older version is refused. */
export function checkVersion(subscription: SubscriptionRow, expectedVersion: number | null | undefined): void {
  if (expectedVersion != null && expectedVersion !== subscription.version) {
    throw new DomainError(
      'VERSION_CONFLICT',
      `The subscription changed (version ${subscription.version}); reload and try again`,
      'expectedVersion',
    );
  }
}

export function requireStatus(subscription: SubscriptionRow, allowed: readonly SubscriptionStatus[], what: string): void {
  if (!allowed.includes(subscription.status)) {
    throw new DomainError('INVALID_STATUS_TRANSITION', `Cannot ${what} a ${subscription.status} subscription`, 'id');
  }
}

/** A quantity never goes below the licences assigned. */
export function checkNotBelowAssigned(quantity: number, assignedLicences: number): void {
  if (quantity < assignedLicences) {
    throw new DomainError(
      'BELOW_ASSIGNED_LICENCES',
      `${assignedLicences} licences are assigned: unassign some before going below`,
      'quantity',
    );
  }
}

/** One more licence needs a free seat. */
export function checkFreeSeat(subscription: SubscriptionRow, assignedLicences: number): void {
  if (assignedLicences >= subscription.quantity)
    throw new DomainError('NO_AVAILABLE_LICENCES', 'Every licence of this subscription is assigned', 'subscriptionId');
}

export function checkAutoRenew(subscription: SubscriptionRow, enabled: boolean): void {
  requireStatus(subscription, ['ACTIVE', 'SUSPENDED'], 'change auto-renew of');
  if (subscription.isTrial && enabled) throw new DomainError('VALIDATION_FAILED', 'A trial does not renew', 'enabled');
}

export interface HistoryEntry {
  field: string;
  from: string | null;
  to: string | null;
}

const HISTORY_FIELDS = ['quantity', 'status', 'autoRenew'] as const;

/** A scheduled change as its history entry shows it (`quantity=8, termMonths=1`), null for none. */
export function describeScheduledChange(change: ScheduledChange | null | undefined): string | null {
  if (!change) return null;
  const parts = (['quantity', 'offerId', 'termMonths', 'billingCycle'] as const)
    .filter((field) => change[field] !== undefined)
    .map((field) => `${field}=${change[field]}`);
  return parts.join(', ');
}

/** The history a change leaves: one entry per field that changed value (the scheduled change as a whole). */
export function changedFields(before: SubscriptionRow, after: SubscriptionRow): HistoryEntry[] {
  const entries: HistoryEntry[] = HISTORY_FIELDS.filter((field) => after[field] !== before[field]).map((field) => ({
    field,
    from: String(before[field]),
    to: String(after[field]),
  }));
  const [from, to] = [describeScheduledChange(before.scheduledChange), describeScheduledChange(after.scheduledChange)];
  if (from !== to) entries.push({ field: 'scheduledChange', from, to });
  return entries;
}

/** What a new subscription starts as. */
export interface NewSubscription {
  id: string;
  customerId: string;
  partnerId: string | null;
  channel: SubscriptionChannel;
  offer: Pick<OfferAvailability, 'offerId' | 'name' | 'term' | 'billingCycle'>;
  quantity: number;
  isTrial: boolean;
  /** null: the offer's term (a trial without one lasts 30 days) */
  termMonths: number | null;
}

export function newSubscription(spec: NewSubscription, now: Date): SubscriptionRow {
  const termMonths = spec.termMonths ?? (spec.isTrial ? 1 : termMonthsOf(spec.offer.term));
  return {
    id: spec.id,
    customerId: spec.customerId,
    offerId: spec.offer.offerId,
    partnerId: spec.partnerId,
    channel: spec.channel,
    friendlyName: spec.offer.name ?? 'Subscription',
    quantity: spec.quantity,
    status: 'ACTIVE',
    isTrial: spec.isTrial,
    termMonths,
    billingCycle: spec.offer.billingCycle,
    startDate: now,
    endDate: termEnd(now, termMonths, spec.isTrial && spec.termMonths === null),
    // Trials end; keys renew with keys; everything else renews unless the partner turns it off.
    autoRenew: !spec.isTrial && spec.channel !== 'PRODUCT_KEY',
    version: 1,
    renewedFromId: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Renewal with a product key: the end date moves by `months` — from the end date, or from now
 * when that is already past — and an EXPIRED or DISABLED subscription is ACTIVE again.
 */
export function renewWithKey(
  subscription: SubscriptionRow,
  months: number,
  now: Date,
): { after: SubscriptionRow; changes: HistoryEntry[] } {
  requireStatus(subscription, KEY_RENEWABLE_STATUSES, 'renew');
  const from = subscription.endDate.getTime() > now.getTime() ? subscription.endDate : now;
  const status = subscription.status === 'EXPIRED' || subscription.status === 'DISABLED' ? 'ACTIVE' : subscription.status;
  const after: SubscriptionRow = {
    ...subscription,
    status,
    endDate: addMonths(from, months),
    version: subscription.version + 1,
    updatedAt: now,
  };
  const changes: HistoryEntry[] = [{ field: 'endDate', from: subscription.endDate.toISOString(), to: after.endDate.toISOString() }];
  if (status !== subscription.status) changes.push({ field: 'status', from: subscription.status, to: status });
  return { after, changes };
}

/**
 * Renewal with direct billing: a new DIRECT subscription (id `renewedId`) starts at once, for a
 * year after a trial, and the old one is REPLACED — not DELETED, so a dashboard tells a renewal
 * from a deprovisioning.
 */
export function renewWithDirectBilling(
  subscription: SubscriptionRow,
  renewedId: string,
  now: Date,
): { renewed: SubscriptionRow; previous: SubscriptionRow } {
  requireStatus(subscription, RENEWABLE_STATUSES, 'renew');
  if (subscription.status === 'ACTIVE' && subscription.autoRenew) {
    throw new DomainError('INVALID_STATUS_TRANSITION', 'This subscription renews automatically', 'id');
  }
  const termMonths = subscription.isTrial ? 12 : subscription.termMonths;
  const renewed: SubscriptionRow = {
    ...subscription,
    id: renewedId,
    channel: 'DIRECT',
    status: 'ACTIVE',
    isTrial: false,
    termMonths,
    startDate: now,
    endDate: termEnd(now, termMonths, false),
    autoRenew: true,
    version: 1,
    renewedFromId: subscription.id,
    createdAt: now,
    updatedAt: now,
  };
  const previous: SubscriptionRow = { ...subscription, status: 'REPLACED', version: subscription.version + 1, updatedAt: now };
  return { renewed, previous };
}

/** Why a licence freed at a user's deletion cannot come back at its restore, or null when it can. */
export function reinstatementRefusal(
  subscription: SubscriptionRow,
  assignedLicences: number,
): { code: 'NO_AVAILABLE_LICENCES' | 'INVALID_STATUS_TRANSITION'; message: string } | null {
  if (subscription.status !== 'ACTIVE') {
    return {
      code: 'INVALID_STATUS_TRANSITION',
      message: `${subscription.friendlyName} is ${subscription.status}: its licence was not given back`,
    };
  }
  if (assignedLicences >= subscription.quantity) {
    return {
      code: 'NO_AVAILABLE_LICENCES',
      message: `Every licence of ${subscription.friendlyName} is assigned: its licence was not given back`,
    };
  }
  return null;
}
