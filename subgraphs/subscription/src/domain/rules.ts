import { addDays, addMonths, isAllowed, DAY_MS, type AccessRule, type Viewer } from '@partner-graph/platform';
import type { SubscriptionRow, SubscriptionStatus } from '../db/entities.js';
import type { CustomerAccessInfo } from './remote-services.js';

/** Reading customers' subscriptions (SPEC §3.3). */
export const READ_SUBSCRIPTIONS: AccessRule = { customerAccess: ['FULL', 'LIMITED'] };
/** Adding and changing subscriptions the partner sold. */
export const SELL_SUBSCRIPTIONS: AccessRule = { customerAccess: ['FULL'], programs: ['RESELLER'] };
/** Assigning licences, renewing with direct billing. */
export const ADMINISTER_CUSTOMER: AccessRule = { customerAccess: ['FULL'] };

export const RENEWAL_NOTICE_DAYS = [60, 30, 7, 1] as const;
/** Days after the end date: users keep access while EXPIRED, then DISABLED until deletion. */
export const EXPIRED_DAYS = 30;
export const DELETED_AFTER_DAYS = 120;
export const TRIAL_DAYS = 30;

export type SubscriptionAction = 'CHANGE_QUANTITY' | 'SUSPEND' | 'ACTIVATE' | 'SET_AUTO_RENEW' | 'ASSIGN_LICENCE' | 'UNASSIGN_LICENCE' | 'RENEW';

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
 * Renewing with direct billing is for the partner on record of a subscription it sold (reseller
 * or product key); an advisor's sale is billed directly already, so it is view-only too.
 */
export function isRenewableBy(viewer: Viewer, subscription: SubscriptionRow): boolean {
  return viewer.kind === 'partner-user' && subscription.channel !== 'DIRECT' && subscription.channel !== 'ADVISOR' && subscription.partnerId === viewer.partnerId;
}

export const RENEWABLE_STATUSES: SubscriptionStatus[] = ['ACTIVE', 'EXPIRED', 'DISABLED'];

/** What the viewer may do with the subscription now: rules first, then status. */
export function allowedActions(viewer: Viewer, subscription: SubscriptionRow, access: CustomerAccessInfo | null): SubscriptionAction[] {
  if (!access || !isAllowed(viewer, ADMINISTER_CUSTOMER)) return [];
  const actions: SubscriptionAction[] = [];
  const status = subscription.status;
  if (isSoldBy(viewer, subscription) && isAllowed(viewer, SELL_SUBSCRIPTIONS)) {
    if (status === 'ACTIVE') actions.push('CHANGE_QUANTITY', 'SUSPEND');
    if (status === 'SUSPENDED') actions.push('ACTIVATE');
    if ((status === 'ACTIVE' || status === 'SUSPENDED') && !subscription.isTrial) actions.push('SET_AUTO_RENEW');
  }
  if (isSoldBy(viewer, subscription) && access.hasAdminRights) {
    if (status === 'ACTIVE') actions.push('ASSIGN_LICENCE');
    if (status !== 'DELETED' && status !== 'PENDING') actions.push('UNASSIGN_LICENCE');
  }
  if (isRenewableBy(viewer, subscription) && RENEWABLE_STATUSES.includes(status) && !(status === 'ACTIVE' && subscription.autoRenew)) {
    actions.push('RENEW');
  }
  return actions;
}

export interface LifecycleStep {
  field: 'status' | 'startDate' | 'endDate';
  from: string;
  to: string;
}

/**
 * Where the lifecycle puts a subscription at `now`, however late the job runs: renewing
 * terms one after the other, or walking EXPIRED → DISABLED → DELETED through each step.
 */
export function advanceLifecycle(row: SubscriptionRow, now: Date): { next: SubscriptionRow; steps: LifecycleStep[] } {
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
    while (next.endDate.getTime() <= now.getTime()) {
      next.startDate = next.endDate;
      next.endDate = addMonths(next.endDate, next.termMonths);
    }
    steps.push({ field: 'startDate', from: oldStart.toISOString(), to: next.startDate.toISOString() });
    steps.push({ field: 'endDate', from: oldEnd.toISOString(), to: next.endDate.toISOString() });
    return { next, steps };
  }
  if (next.status === 'ACTIVE') setStatus('EXPIRED');
  if (next.status === 'SUSPENDED') setStatus('DISABLED');
  if (next.status === 'EXPIRED' && daysPastEnd >= EXPIRED_DAYS) setStatus('DISABLED');
  if (next.status === 'DISABLED' && daysPastEnd >= DELETED_AFTER_DAYS) setStatus('DELETED');
  return { next, steps };
}
