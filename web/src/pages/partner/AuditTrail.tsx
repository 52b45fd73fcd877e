import { Alert, Button, Loader, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { AuditRecordFilter } from '../../__generated__/graphql';
import { useCapabilities } from '../../components/Viewer';
import { CursorPager } from '../../components/CursorPager';
import { useGraphQLQuery, useCursorPages } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorMessage } from '../../components/errors';
import { fieldChanges, type FieldChange } from './changes';

const PAGE_SIZE = 20;

const AuditRecordsDocument = graphql(`
  query AuditRecords($filter: AuditRecordFilter, $after: String, $first: Int) {
    auditRecords(filter: $filter, after: $after, first: $first) {
      edges {
        node {
          id
          occurredAt
          operation
          outcome
          resourceType
          resourceId
          customerId
          service
          requestId
          oldValue
          newValue
          user {
            id
            displayName
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

const AuditCustomersDocument = graphql(`
  query AuditCustomers($search: String) {
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

// The resource types the subgraphs record (AuditRecordFilter.resourceType).
const RESOURCE_TYPES = [
  'Customer',
  'CustomerSubscription',
  'CustomerUser',
  'DelegatedAdminRelationship',
  'OfferAcceptance',
  'Partner',
  'PartnerUser',
  'ProductKey',
  'ProductKeyOrder',
  'ProductKeyRedemption',
  'PurchaseOffer',
  'ServiceRequest',
  'TrialInvitation',
  'WebhookEndpoint',
] as const;
type ResourceType = (typeof RESOURCE_TYPES)[number];

const dayStart = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : null);
const dayAfter = (date: string) => (date ? new Date(new Date(`${date}T00:00:00`).getTime() + 86_400_000).toISOString() : null);

/** Fields shown before "Show all": a whole record (a new customer) is long. */
const FIRST_CHANGES = 3;

/** `field: from → to`, one line per field: the first few, the rest on request. */
function ChangeList({ changes }: { changes: FieldChange[] }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const shown = all ? changes : changes.slice(0, FIRST_CHANGES);
  return (
    <>
      <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {shown.map((change) => (
          <Text key={change.field} component="li" size="xs" style={{ overflowWrap: 'anywhere' }}>
            {change.field && <strong>{change.field}: </strong>}
            {change.from !== undefined && (
              <Text span size="xs" c="dimmed" td="line-through">
                {change.from}
              </Text>
            )}
            {change.from !== undefined && change.to !== undefined && ' → '}
            {change.to ?? (change.from === undefined ? '—' : '')}
          </Text>
        ))}
      </Stack>
      {changes.length > FIRST_CHANGES && (
        <Button variant="subtle" size="compact-xs" px={0} aria-expanded={all} onClick={() => setAll((current) => !current)}>
          {all ? t('auditTrail.showLess') : t('auditTrail.showAll')}
        </Button>
      )}
    </>
  );
}

/** What was done, in the reader's language; an operation the catalogues do not know stays as recorded. */
function Operation({ operation }: { operation: string }) {
  const { t, has } = useI18n();
  const id = `auditTrail.operation.${operation}`;
  return <>{has(id) ? t(id) : operation}</>;
}

/** How it ended: a refusal names its reasons as the API's error messages say them. */
function Outcome({ outcome }: { outcome: string }) {
  const { t, has } = useI18n();
  if (outcome === 'SUCCESS') return <>{t('auditTrail.success')}</>;
  if (outcome === 'FAILURE') return <>{t('auditTrail.failure')}</>;
  const rejected = /^REJECTED: (.+)$/.exec(outcome);
  if (!rejected) return <>{outcome}</>;
  return (
    <>
      {t('auditTrail.rejected')}
      {rejected[1]!.split(', ').map((code) => {
        const id = `error.${code}`;
        return (
          <Text key={code} size="xs" c="dimmed">
            {has(id) ? t(id) : code}
          </Text>
        );
      })}
    </>
  );
}

/** The partner's audit trail, newest first, filtered by customer, resource type and dates, a page at a time. */
export function AuditTrail() {
  const { t, dateTime } = useI18n();
  const [customerSearch, setCustomerSearch] = useState('');
  const [search] = useDebouncedValue(customerSearch, 300);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [resourceType, setResourceType] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const pages = useCursorPages();
  // Users without customer access (a billing administrator) filter by resource and date only.
  const { seesCustomers } = useCapabilities();
  const customers = useGraphQLQuery(AuditCustomersDocument, { search: search || null }, { enabled: seesCustomers });
  const filter: AuditRecordFilter = { customerId, resourceType, from: dayStart(from), to: dayAfter(to) };
  const { data, error, isPending } = useGraphQLQuery(AuditRecordsDocument, { filter, after: pages.after, first: PAGE_SIZE });
  // A new filter starts again from the first page.
  const refilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      pages.first();
    };
  const records = data?.auditRecords.edges.map((edge) => edge.node) ?? [];
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 4 }}>
        {seesCustomers && (
          <Select
            label={t('common.customer')}
            searchable
            clearable
            data={(customers.data?.customers.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.companyName }))}
            searchValue={customerSearch}
            onSearchChange={setCustomerSearch}
            value={customerId}
            onChange={refilter(setCustomerId)}
            nothingFoundMessage={t('common.noCustomer')}
          />
        )}
        <Select
          label={t('auditTrail.resourceType')}
          clearable
          data={RESOURCE_TYPES.map((type) => ({ value: type, label: t(`auditTrail.resourceType.${type}`) }))}
          value={resourceType}
          onChange={refilter(setResourceType)}
        />
        <TextInput label={t('common.from')} type="date" value={from} onChange={(event) => refilter(setFrom)(event.currentTarget.value)} />
        <TextInput label={t('auditTrail.to')} type="date" value={to} onChange={(event) => refilter(setTo)(event.currentTarget.value)} />
      </SimpleGrid>
      {isPending && <Loader aria-label={t('auditTrail.loadingTheAuditTrail')} />}
      {error && (
        <Alert color="red" title={t('auditTrail.theAuditTrailCouldNot')}>
          <ErrorMessage error={error} />
        </Alert>
      )}
      {data && records.length === 0 && <Text>{t('auditTrail.noChangeMatchesTheseFilters')}</Text>}
      {records.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped aria-label={t('common.auditTrail')} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('auditTrail.when')}</Table.Th>
                <Table.Th>{t('auditTrail.who')}</Table.Th>
                <Table.Th>{t('auditTrail.operation')}</Table.Th>
                <Table.Th>{t('auditTrail.resource')}</Table.Th>
                <Table.Th>{t('auditTrail.outcome')}</Table.Th>
                <Table.Th>{t('auditTrail.change')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.map((record) => (
                <Table.Tr key={record.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(record.occurredAt)}</Table.Td>
                  <Table.Td>{record.user?.displayName ?? t('auditTrail.customerOrSystem')}</Table.Td>
                  <Table.Td>
                    <Operation operation={record.operation} />
                  </Table.Td>
                  <Table.Td>
                    {RESOURCE_TYPES.includes(record.resourceType as ResourceType)
                      ? t(`auditTrail.resourceType.${record.resourceType as ResourceType}`)
                      : record.resourceType}
                    <Text size="xs" c="dimmed">
                      {record.resourceId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Outcome outcome={record.outcome} />
                  </Table.Td>
                  <Table.Td maw={420}>
                    {(record.oldValue != null || record.newValue != null) && (
                      <ChangeList changes={fieldChanges(record.oldValue, record.newValue)} />
                    )}
                    <Text size="xs" c="dimmed">
                      {t('auditTrail.request', { requestId: record.requestId })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CursorPager pages={pages} pageInfo={data?.auditRecords.pageInfo} always />
    </Stack>
  );
}
