import type { EntityManager } from 'typeorm';
import { isUuid, notFound, type Clock, type PartnerViewer } from '@partner-graph/platform';
import { customersOfPartner, type CustomerAccessView } from '../db/customer-views.js';
import { checkAdminRights } from './rules.js';

/** Who may read customers and their users, subscriptions and service requests (docs/api.md, "Who may do what"). */
export const READ_CUSTOMERS = { customerAccess: ['FULL', 'LIMITED'] } as const;

/**
 * The customer `customerId` as the viewer's partner sees it — NOT_FOUND when unrelated or
 * unknown, exactly alike. With `admin`, the viewer's effective access there (the lesser of its
 * own and its partner's admin rights, docs/api.md "Who may do what") must reach that level, else NO_ADMIN_RIGHTS:
 * the partner neither resells to it nor has an ACTIVE delegated-admin relationship, or only a
 * LIMITED one where FULL is needed. `lock` serialises changes to it.
 */
export async function customerOfViewer(
  manager: EntityManager,
  clock: Clock,
  viewer: PartnerViewer,
  customerId: string,
  options: { admin?: 'FULL' | 'LIMITED'; lock?: boolean; field?: string } = {},
): Promise<CustomerAccessView> {
  const field = options.field ?? 'customerId';
  if (!isUuid(customerId)) throw notFound('Customer', field);
  const [customer] = await customersOfPartner(manager, viewer.partnerId, [customerId], clock.now(), options.lock);
  if (!customer) throw notFound('Customer', field);
  checkAdminRights(viewer, customer.hasAdminRights ? customer.adminAccess : null, options.admin, field);
  return customer;
}
