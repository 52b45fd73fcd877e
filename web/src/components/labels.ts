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
      licences: (count: number) => t('label.licences', { count }),
      date: i18n.date,
    };
  }, [i18n]);
}
