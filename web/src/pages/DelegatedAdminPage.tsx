import { Alert, Loader, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { DelegatedAdminTable, OfferDelegatedAdmin } from '../components/customer/DelegatedAdmin';
import { useCapabilities } from '../components/Viewer';
import { useGraphQLQuery } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorMessage } from '../components/errors';

const RelationshipsDocument = graphql(`
  query DelegatedAdminOverview {
    delegatedAdminRelationships {
      id
      status
      access
      createdAt
      acceptedAt
      expiresAt
      terminatedAt
      customer {
        id
        companyName
      }
    }
  }
`);

const CustomerChoicesDocument = graphql(`
  query DelegatedAdminCustomers($search: String) {
    customers(search: $search, first: 20) {
      edges {
        node {
          id
          companyName
        }
      }
    }
  }
`);

const FILTERS = ['ALL', 'PENDING', 'ACTIVE', 'EXPIRED', 'TERMINATED'] as const;

/** Delegated administration across the partner's customers (seed 001): offer, follow, end. */
export function DelegatedAdminPage() {
  const { t } = useI18n();
  const { seesCustomers, offersDelegatedAdmin } = useCapabilities();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]>('ALL');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const { data, error, isPending } = useGraphQLQuery(RelationshipsDocument, {}, { enabled: seesCustomers });
  const customers = useGraphQLQuery(CustomerChoicesDocument, { search: debounced || null }, { enabled: offersDelegatedAdmin });
  const changed = () => void queryClient.invalidateQueries();

  if (!seesCustomers)
    return (
      <Alert color="gray" title={t('common.notAvailable')}>
        {t('delegatedAdmin.delegatedAdministrationNeedsCustomerAccess')}
      </Alert>
    );
  const relationships = (data?.delegatedAdminRelationships ?? []).filter(
    (relationship) => filter === 'ALL' || relationship.status === filter,
  );
  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">
        {t('common.delegatedAdministration')}
      </Title>
      {offersDelegatedAdmin && (
        <Paper withBorder p="md" component="section" aria-label={t('delegatedAdmin.offerDelegatedAdministration')}>
          <Stack>
            <Select
              label={t('common.customer')}
              searchable
              clearable
              maw={420}
              data={(customers.data?.customers.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.companyName }))}
              searchValue={search}
              onSearchChange={setSearch}
              value={customerId}
              onChange={setCustomerId}
              nothingFoundMessage={t('common.noCustomer')}
            />
            <OfferDelegatedAdmin customerId={customerId} onChanged={changed} />
          </Stack>
        </Paper>
      )}
      <SegmentedControl
        aria-label={t('common.status')}
        size="xs"
        data={FILTERS.map((value) => ({ value, label: t(`delegatedAdmin.filter.${value}`) }))}
        value={filter}
        onChange={(value) => setFilter(value as (typeof FILTERS)[number])}
        style={{ alignSelf: 'flex-start' }}
      />
      {isPending && <Loader aria-label={t('delegatedAdmin.loadingRelationships')} />}
      {error && (
        <Alert color="red">
          <ErrorMessage error={error} />
        </Alert>
      )}
      {data && relationships.length === 0 && <Text>{t(`delegatedAdmin.none.${filter}`)}</Text>}
      {relationships.length > 0 && <DelegatedAdminTable relationships={relationships} onChanged={changed} />}
    </Stack>
  );
}
