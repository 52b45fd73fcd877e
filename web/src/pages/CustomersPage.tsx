import { Alert, Badge, Button, Drawer, Grid, Group, Loader, Paper, Stack, Table, Text, TextInput, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { graphql } from '../__generated__';
import { CustomerActionsPane } from '../components/CustomerActionsPane';
import { PROVISIONING_STATE, RELATIONSHIP, STATUS_COLOR } from '../components/labels';
import { useCapabilities } from '../components/Viewer';
import { useGraphQLQuery } from '../graphql/hooks';

const PAGE_SIZE = 25;

// One query for the screen: the page of customers with what the actions pane shows.
const CustomersDocument = graphql(`
  query Customers($first: Int!, $after: String, $search: String) {
    customers(first: $first, after: $after, search: $search) {
      edges {
        node {
          id
          companyName
          defaultDomain
          country
          relationship
          provisioningState
          ...CustomerActions_customer
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Customer management (seeds 001, 004): prefix search, keyset paging, the actions pane. */
export function CustomersPage() {
  const { seesCustomers, createsCustomers } = useCapabilities();
  const [params, setParams] = useSearchParams();
  // The box is the source of truth while typing; the address follows it (shareable, back-button safe).
  const [search, setSearch] = useState(() => params.get('search') ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  useEffect(() => {
    if ((params.get('search') ?? '') !== debounced) setParams(debounced ? { search: debounced } : {}, { replace: true });
  }, [debounced, params, setParams]);
  // Cursors of the pages before this one, so Previous goes back without offsets.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const wide = useMediaQuery('(min-width: 62em)', true);
  const paneHeading = useId();
  const after = cursors[cursors.length - 1] ?? null;

  const { data, error, isPending, isFetching, refetch } = useGraphQLQuery(
    CustomersDocument,
    { first: PAGE_SIZE, after, search: debounced || null },
    { enabled: seesCustomers, placeholderData: keepPreviousData },
  );

  if (!seesCustomers) {
    return (
      <Stack maw={720}>
        <Title order={1} size="h2">
          Customers
        </Title>
        <Alert color="gray" title="No customer access">
          Your account has no administrative access to the companies your organisation supports, so no customers are listed. An administrator of your
          organisation can grant it.
        </Alert>
      </Stack>
    );
  }

  const edges = data?.customers.edges ?? [];
  const selected = edges.find((edge) => edge.node.id === selectedId)?.node ?? null;
  const onSearch = (value: string) => {
    setCursors([null]);
    setSelectedId(null);
    setSearch(value);
  };

  const pane = selected ? <CustomerActionsPane customer={selected} headingId={paneHeading} /> : null;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Customers
        </Title>
        {createsCustomers && (
          <Button component={Link} to="/customers/new">
            Add customer
          </Button>
        )}
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <TextInput
              label="Search customers"
              description="Start of the company name or of the domain"
              placeholder="e.g. north"
              value={search}
              onChange={(event) => onSearch(event.currentTarget.value)}
              rightSection={isFetching ? <Loader size="xs" aria-label="Searching" /> : null}
              type="search"
            />
            {error && (
              <Alert color="red" title="Customers could not be loaded">
                <Text size="sm">{error.message}</Text>
                <Button size="xs" mt="xs" onClick={() => void refetch()}>
                  Try again
                </Button>
              </Alert>
            )}
            {isPending && !error && <Loader aria-label="Loading customers" />}
            {data && edges.length === 0 && (
              <Text role="status">{debounced ? `No customer's name or domain starts with “${debounced}”.` : 'You have no customers yet.'}</Text>
            )}
            {edges.length > 0 && (
              <Table.ScrollContainer minWidth={320}>
                <Table highlightOnHover verticalSpacing="xs">
                  <caption>
                    <VisuallyHidden>Customers{debounced ? ` matching “${debounced}”` : ''}</VisuallyHidden>
                  </caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Company</Table.Th>
                      <Table.Th visibleFrom="sm">Domain</Table.Th>
                      <Table.Th visibleFrom="sm">Country</Table.Th>
                      <Table.Th visibleFrom="sm">Relationship</Table.Th>
                      <Table.Th>State</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {edges.map(({ node }) => (
                      <Table.Tr key={node.id} bg={node.id === selectedId ? 'var(--mantine-color-blue-light)' : undefined}>
                        <Table.Td>
                          <UnstyledButton
                            onClick={() => setSelectedId(node.id)}
                            aria-pressed={node.id === selectedId}
                            fw={500}
                            c="blue.8"
                            style={{ textAlign: 'left' }}
                          >
                            {node.companyName}
                          </UnstyledButton>
                          <Text size="xs" c="dimmed" hiddenFrom="sm">
                            {node.defaultDomain}
                          </Text>
                        </Table.Td>
                        <Table.Td visibleFrom="sm">{node.defaultDomain}</Table.Td>
                        <Table.Td visibleFrom="sm">{node.country}</Table.Td>
                        <Table.Td visibleFrom="sm">{RELATIONSHIP[node.relationship]}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={STATUS_COLOR[node.provisioningState]}>
                            {PROVISIONING_STATE[node.provisioningState]}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {(cursors.length > 1 || data?.customers.pageInfo.hasNextPage) && (
              <Group justify="space-between">
                <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors((list) => list.slice(0, -1))}>
                  Previous page
                </Button>
                <Text size="sm" c="dimmed">
                  Page {cursors.length}
                </Text>
                <Button
                  variant="default"
                  disabled={!data?.customers.pageInfo.hasNextPage}
                  onClick={() => setCursors((list) => [...list, data?.customers.pageInfo.endCursor ?? null])}
                >
                  Next page
                </Button>
              </Group>
            )}
          </Stack>
        </Grid.Col>
        {wide && (
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper withBorder p="md" component="section" aria-label={selected ? `Actions: ${selected.companyName}` : 'Actions'}>
              {pane ?? <Text size="sm">Select a customer to see its subscriptions.</Text>}
            </Paper>
          </Grid.Col>
        )}
      </Grid>
      {!wide && (
        <Drawer opened={selected !== null} onClose={() => setSelectedId(null)} position="bottom" title={selected ? `Actions: ${selected.companyName}` : 'Actions'} size="auto">
          {pane}
        </Drawer>
      )}
    </Stack>
  );
}
