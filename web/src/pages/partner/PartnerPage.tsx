import { Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePartnerAdministration } from './access';
import { AuditTrail } from './AuditTrail';
import { CompanyProfile } from './CompanyProfile';
import { PartnerUsers } from './PartnerUsers';
import { useI18n } from '../../i18n/I18nProvider';

/** Partner administration: the company profile, the partner's users and the audit trail. */
export function PartnerPage() {
  const { t } = useI18n();
  const { managesUsers, readsAudit } = usePartnerAdministration();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'profile';
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        {t('common.yourOrganisation')}
      </Title>
      <Tabs
        value={tab}
        onChange={(value) => setParams(value && value !== 'profile' ? { tab: value } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="profile">{t('partner.companyProfile')}</Tabs.Tab>
          {managesUsers && <Tabs.Tab value="users">{t('common.users')}</Tabs.Tab>}
          {readsAudit && <Tabs.Tab value="audit">{t('common.auditTrail')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="profile" pt="md">
          <CompanyProfile />
        </Tabs.Panel>
        {managesUsers && (
          <Tabs.Panel value="users" pt="md">
            <PartnerUsers />
          </Tabs.Panel>
        )}
        {readsAudit && (
          <Tabs.Panel value="audit" pt="md">
            <AuditTrail />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
