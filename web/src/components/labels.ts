/** Words shown for the graph's enums, in the partner's words. */
export const SUBSCRIPTION_STATUS = {
  ACTIVE: 'Active',
  PENDING: 'Pending',
  SUSPENDED: 'Suspended',
  EXPIRED: 'Expired',
  DISABLED: 'Disabled',
  DELETED: 'Deleted',
  REPLACED: 'Replaced (renewal or upgrade)',
  CANCELLED: 'Cancelled',
} as const;

export const STATUS_COLOR: Record<string, string> = {
  ACTIVE: 'green',
  PENDING: 'yellow',
  PROVISIONING: 'yellow',
  SUSPENDED: 'orange',
  EXPIRED: 'red',
  DISABLED: 'red',
  DELETED: 'gray',
  REPLACED: 'gray',
  CANCELLED: 'gray',
  FAILED: 'red',
};

export const PROVISIONING_STATE = { ACTIVE: 'Active', PROVISIONING: 'Provisioning', FAILED: 'Failed' } as const;

export const RELATIONSHIP = { RESELLER: 'Reseller', ADVISOR: 'Advisor', DELEGATED_ADMIN: 'Delegated admin' } as const;

export const CHANNEL = {
  RESELLER: 'Sold by your organisation',
  DIRECT: 'Bought directly by the customer',
  ADVISOR: 'Billed directly (advisor)',
  PRODUCT_KEY: 'Product key',
} as const;

export const licences = (n: number) => `${n} ${n === 1 ? 'licence' : 'licences'}`;

export const formatDate = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

export const BILLING_CYCLE = { MONTHLY: 'Monthly', ANNUAL: 'Annually' } as const;

/** `seats` licences at `unitPrice` a month, e.g. `46.80 EUR`. */
export const monthlyPrice = (unitPrice: number, seats: number, currency: string) => `${(unitPrice * seats).toFixed(2)} ${currency}`;

/** The change of a monthly amount, signed: `+23.40 EUR`, `-5.60 EUR`. */
export const priceDifference = (before: number, after: number, currency: string) => `${after >= before ? '+' : '-'}${Math.abs(after - before).toFixed(2)} ${currency}`;

/** What a scheduled change sets at the renewal, e.g. `8 licences, Microsoft 365 Business Premium, 12 months`. */
export function describeScheduledChange(change: { quantity?: number | null; offer?: { name: string } | null; termMonths?: number | null; billingCycle?: string | null }): string {
  const parts: string[] = [];
  if (change.quantity != null) parts.push(licences(change.quantity));
  if (change.offer) parts.push(change.offer.name);
  if (change.termMonths != null) parts.push(`${change.termMonths} months`);
  if (change.billingCycle) parts.push(`billed ${(BILLING_CYCLE[change.billingCycle as keyof typeof BILLING_CYCLE] ?? change.billingCycle).toLowerCase()}`);
  return parts.join(', ');
}
