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
