import { Alert, Button, Code, Group, Loader, Select, SimpleGrid, Spoiler, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { AuditRecordFilter } from '../../__generated__/graphql';
import { useCapabilities } from '../../components/Viewer';
import { useGraphQLQuery } from '../../graphql/hooks';

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
];

const dayStart = (date: string) => (date ? new Date(`${date}T00:00:00`).toISOString() : null);
const dayAfter = (date: string) => (date ? new Date(new Date(`${date}T00:00:00`).getTime() + 86_400_000).toISOString() : null);
const change = (value: unknown) => (value == null ? '' : JSON.stringify(value));

/** The partner's audit trail, newest first, filtered by customer, resource type and dates, a page at a time. */
export function AuditTrail() {
  const [customerSearch, setCustomerSearch] = useState('');
  const [search] = useDebouncedValue(customerSearch, 300);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [resourceType, setResourceType] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  // Users without customer access (a billing administrator) filter by resource and date only.
  const { seesCustomers } = useCapabilities();
  const customers = useGraphQLQuery(AuditCustomersDocument, { search: search || null }, { enabled: seesCustomers });
  const filter: AuditRecordFilter = { customerId, resourceType, from: dayStart(from), to: dayAfter(to) };
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, isPending } = useGraphQLQuery(AuditRecordsDocument, { filter, after, first: PAGE_SIZE });
  // A new filter starts again from the first page.
  const refilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setCursors([null]);
    };
  const records = data?.auditRecords.edges.map((edge) => edge.node) ?? [];
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 4 }}>
        {seesCustomers && (
          <Select
            label="Customer"
            searchable
            clearable
            data={(customers.data?.customers.edges ?? []).map((edge) => ({ value: edge.node.id, label: edge.node.companyName }))}
            searchValue={customerSearch}
            onSearchChange={setCustomerSearch}
            value={customerId}
            onChange={refilter(setCustomerId)}
            nothingFoundMessage="No customer"
          />
        )}
        <Select label="Resource type" clearable data={RESOURCE_TYPES} value={resourceType} onChange={refilter(setResourceType)} />
        <TextInput label="From" type="date" value={from} onChange={(event) => refilter(setFrom)(event.currentTarget.value)} />
        <TextInput label="To" type="date" value={to} onChange={(event) => refilter(setTo)(event.currentTarget.value)} />
      </SimpleGrid>
      {isPending && <Loader aria-label="Loading the audit trail" />}
      {error && (
        <Alert color="red" title="The audit trail could not be loaded">
          {error.message}
        </Alert>
      )}
      {data && records.length === 0 && <Text>No change matches these filters.</Text>}
      {records.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped aria-label="Audit trail" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Operation</Table.Th>
                <Table.Th>Resource</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Change</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.map((record) => (
                <Table.Tr key={record.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{new Date(record.occurredAt).toLocaleString('en-GB')}</Table.Td>
                  <Table.Td>{record.user?.displayName ?? 'Customer or system'}</Table.Td>
                  <Table.Td>{record.operation}</Table.Td>
                  <Table.Td>
                    {record.resourceType}
                    <Text size="xs" c="dimmed">
                      {record.resourceId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{record.outcome}</Table.Td>
                  <Table.Td maw={420}>
                    {(record.oldValue != null || record.newValue != null) && (
                      // Whole records (a new customer) are long: the first lines, the rest on request.
                      <Spoiler maxHeight={54} showLabel="Show all" hideLabel="Show less">
                        <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                          {record.oldValue != null ? `${change(record.oldValue)}\n→ ` : ''}
                          {change(record.newValue)}
                        </Code>
                      </Spoiler>
                    )}
                    <Text size="xs" c="dimmed">
                      Request {record.requestId}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </Button>
        <Text size="sm">Page {cursors.length}</Text>
        <Button variant="default" disabled={!data?.auditRecords.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, data?.auditRecords.pageInfo.endCursor ?? null])}>
          Next page
        </Button>
      </Group>
    </Stack>
  );
}
