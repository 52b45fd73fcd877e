import { Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { usePartnerAdministration } from './access';
import { AuditTrail } from './AuditTrail';
import { CompanyProfile } from './CompanyProfile';
import { PartnerUsers } from './PartnerUsers';

/** Partner administration: the company profile, the partner's users and the audit trail. */
export function PartnerPage() {
  const { managesUsers, readsAudit } = usePartnerAdministration();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'profile';
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        Your organisation
      </Title>
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'profile' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="profile">Company profile</Tabs.Tab>
          {managesUsers && <Tabs.Tab value="users">Users</Tabs.Tab>}
          {readsAudit && <Tabs.Tab value="audit">Audit trail</Tabs.Tab>}
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
