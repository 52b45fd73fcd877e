import type { EntityManager } from 'typeorm';
import { DomainError, isUuid, notFound, type Clock, type PartnerViewer } from '@partner-graph/platform';
import { customersOfPartner, type CustomerAccessView } from '../db/customer-views.js';

/** Who may read customers and their users, subscriptions and service requests (SPEC §3.3). */
export const READ_CUSTOMERS = { customerAccess: ['FULL', 'LIMITED'] } as const;

/**
 * The customer `customerId` as the viewer's partner sees it — NOT_FOUND when unrelated or
 * unknown, exactly alike — and, with `adminRights`, NO_ADMIN_RIGHTS unless the partner
 * resells to it or has an ACTIVE delegated-admin relationship. `lock` serialises changes to it.
 */
export async function customerOfViewer(
  manager: EntityManager,
  clock: Clock,
  viewer: PartnerViewer,
  customerId: string,
  options: { adminRights?: boolean; lock?: boolean; field?: string } = {},
): Promise<CustomerAccessView> {
  const field = options.field ?? 'customerId';
  if (!isUuid(customerId)) throw notFound('Customer', field);
  const [customer] = await customersOfPartner(manager, viewer.partnerId, [customerId], clock.now(), options.lock);
  if (!customer) throw notFound('Customer', field);
  if (options.adminRights && !customer.hasAdminRights) {
    throw new DomainError('NO_ADMIN_RIGHTS', 'Your organisation has no admin rights on this customer (reseller or active delegated administration needed)', field);
  }
  return customer;
}
