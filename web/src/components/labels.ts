import { useMemo } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export const STATUS_COLOR: Record<string, string> = {
  ACTIVE: 'green',
  PENDING: 'yellow',
  PROVISIONING: 'yellow',
  SUSPENDED: 'orange',
  EXPIRED: 'red',
  DISABLED: 'red',
  DELETED: 'gray',
  FAILED: 'red',
};

/** Words shown for the graph's enums, in the partner's words and language, and the counts and dates beside them. */
export function useLabels() {
  const i18n = useI18n();
  return useMemo(() => {
    const { t } = i18n;
    return {
      subscriptionStatus: {
        ACTIVE: t('label.subscriptionStatus.active'),
        PENDING: t('label.subscriptionStatus.pending'),
        SUSPENDED: t('label.subscriptionStatus.suspended'),
        EXPIRED: t('label.subscriptionStatus.expired'),
        DISABLED: t('label.subscriptionStatus.disabled'),
        DELETED: t('label.subscriptionStatus.deleted'),
        REPLACED: t('label.subscriptionStatus.replaced'),
        CANCELLED: t('label.subscriptionStatus.cancelled'),
      },
      provisioningState: {
        ACTIVE: t('label.provisioningState.active'),
        PROVISIONING: t('label.provisioningState.provisioning'),
        FAILED: t('label.provisioningState.failed'),
      },
      relationship: {
        RESELLER: t('label.relationship.reseller'),
        ADVISOR: t('label.relationship.advisor'),
        DELEGATED_ADMIN: t('label.relationship.delegatedAdmin'),
      },
      channel: {
        RESELLER: t('label.channel.reseller'),
        DIRECT: t('label.channel.direct'),
        ADVISOR: t('label.channel.advisor'),
        PRODUCT_KEY: t('label.channel.productKey'),
      },
      billingCycle: {
        MONTHLY: t('label.billingCycle.monthly'),
        ANNUAL: t('label.billingCycle.annual'),
      } as Record<string, string>,
      licences: (count: number) => t('label.licences', { count }),
      date: i18n.date,
      /** `seats` licences at `unitPrice` a month, e.g. `€46.80`. */
      monthlyPrice: (unitPrice: number, seats: number, currency: string) => i18n.price(unitPrice * seats, currency),
      /** The change of a monthly amount, signed: `+€23.40`, `-€5.60`. */
      priceDifference: (before: number, after: number, currency: string) =>
        (after >= before ? '+' : '-') + i18n.price(Math.abs(after - before), currency),
      /** What a scheduled change sets at the renewal, e.g. `8 licences, Microsoft 365 Business Premium, 12 months`. */
      scheduledChange: (change: {
        quantity?: number | null;
        offer?: { name: string } | null;
        termMonths?: number | null;
        billingCycle?: string | null;
      }): string => {
        const parts: string[] = [];
        if (change.quantity != null) parts.push(t('label.licences', { count: change.quantity }));
        if (change.offer) parts.push(change.offer.name);
        if (change.termMonths != null) parts.push(t('label.months', { count: change.termMonths }));
        if (change.billingCycle) parts.push(change.billingCycle === 'ANNUAL' ? t('label.billedAnnually') : t('label.billedMonthly'));
        return parts.join(t('label.listSeparator'));
      },
    };
  }, [i18n]);
}
