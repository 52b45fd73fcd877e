import { createHmac, timingSafeEqual } from 'node:crypto';
import { purposeKey } from './keys.js';
import type { CustomerAccessInfoFragment } from './service-documents.js';

/** customer.customerAccess: how a partner relates to a customer, and how far its admin rights go. */
export type CustomerAccessInfo = CustomerAccessInfoFragment;

/**
 * customer → subscription through the router's query plan (`Customer.accessGrant`, required by
 * `Customer.subscriptions`): the customer subgraph's answer for the viewer's partner, signed with
 * the grants' own key (derived from the services' secret, which no router holds) and valid 60 s, so that no caller can make one up or reuse one for
 * another partner or customer, whatever proves the request came from a router.
 */
const ACCESS_GRANT_TTL_MS = 60_000;
export function signCustomerAccess(info: CustomerAccessInfo, partnerId: string, secret: string, now: Date): string {
  const payload = Buffer.from(JSON.stringify({ p: partnerId, e: now.getTime() + ACCESS_GRANT_TTL_MS, a: info })).toString('base64url');
  return `${payload}.${createHmac('sha256', purposeKey(secret, 'customer-access-grant')).update(payload).digest('base64url')}`;
}

/** The access a grant carries, if it is genuine, unexpired and for this partner and customer; null otherwise. */
export function verifyCustomerAccess(
  grant: unknown,
  expected: { partnerId: string; customerId: string },
  secret: string,
  now: Date,
): CustomerAccessInfo | null {
  if (typeof grant !== 'string') return null;
  const [payload, mac] = grant.split('.');
  if (!payload || !mac) return null;
  const expectedMac = createHmac('sha256', purposeKey(secret, 'customer-access-grant')).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expectedMac.length || !timingSafeEqual(given, expectedMac)) return null;
  const { p, e, a } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p: string; e: number; a: CustomerAccessInfo };
  return p === expected.partnerId && a.customerId === expected.customerId && typeof e === 'number' && e > now.getTime() ? a : null;
}
