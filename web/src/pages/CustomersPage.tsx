import {
  Alert,
  Badge,
  Button,
  Drawer,
  Grid,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { graphql } from '../__generated__';
import type { CustomersQuery } from '../__generated__/graphql';
import { CustomerActionsPane } from '../components/CustomerActionsPane';
import { STATUS_COLOR, useLabels } from '../components/labels';
import { useCapabilities } from '../components/Viewer';
import { CursorPager } from '../components/CursorPager';
import { useGraphQLQuery, useCursorPages } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorMessage } from '../components/errors';

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

/** Customer management: prefix search, keyset paging, the actions pane. */
export function CustomersPage() {
  const { t } = useI18n();
  const { seesCustomers, createsCustomers } = useCapabilities();
  const [params, setParams] = useSearchParams();
  // The box is the source of truth while typing; the address follows it (shareable, back-button safe).
  const [search, setSearch] = useState(() => params.get('search') ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  useEffect(() => {
    if ((params.get('search') ?? '') !== debounced) setParams(debounced ? { search: debounced } : {}, { replace: true });
  }, [debounced, params, setParams]);
  const pages = useCursorPages();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const wide = useMediaQuery('(min-width: 62em)', true);
  const paneHeading = useId();

  const { data, error, isPending, isFetching, refetch } = useGraphQLQuery(
    CustomersDocument,
    { first: PAGE_SIZE, after: pages.after, search: debounced || null },
    { enabled: seesCustomers, placeholderData: keepPreviousData },
  );

  if (!seesCustomers) {
    return (
      <Stack maw={720}>
        <Title order={1} size="h2">
          {t('common.customers')}
        </Title>
        <Alert color="gray" title={t('customers.noCustomerAccess')}>
          {t('customers.yourAccountHasNoAdministrative')}
        </Alert>
      </Stack>
    );
  }

  const edges = data?.customers.edges ?? [];
  const selected = edges.find((edge) => edge.node.id === selectedId)?.node ?? null;
  const onSearch = (value: string) => {
    pages.first();
    setSelectedId(null);
    setSearch(value);
  };

  const pane = selected ? <CustomerActionsPane customer={selected} headingId={paneHeading} /> : null;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('common.customers')}
        </Title>
        {createsCustomers && (
          <Button component={Link} to="/customers/new">
            {t('common.addCustomer')}
          </Button>
        )}
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <TextInput
              label={t('customers.searchCustomers')}
              description={t('customers.startOfTheCompanyName')}
              placeholder={t('customers.eGNorth')}
              value={search}
              onChange={(event) => onSearch(event.currentTarget.value)}
              rightSection={isFetching ? <Loader size="xs" aria-label={t('customers.searching')} /> : null}
              type="search"
            />
            {error && (
              <Alert color="red" title={t('customers.customersCouldNotBeLoaded')}>
                <Text size="sm">
                  <ErrorMessage error={error} />
                </Text>
                <Button size="xs" mt="xs" onClick={() => void refetch()}>
                  {t('common.tryAgain')}
                </Button>
              </Alert>
            )}
            {isPending && !error && <Loader aria-label={t('customers.loadingCustomers')} />}
            {data && edges.length === 0 && (
              <Text role="status">
                {debounced ? t('customers.noCustomerSNameOr', { search: debounced }) : t('customers.youHaveNoCustomersYet')}
              </Text>
            )}
            {edges.length > 0 && <CustomersTable edges={edges} search={debounced} selectedId={selectedId} onSelect={setSelectedId} />}
            <CursorPager pages={pages} pageInfo={data?.customers.pageInfo} />
          </Stack>
        </Grid.Col>
        {wide && (
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper
              withBorder
              p="md"
              component="section"
              aria-label={selected ? t('customers.actions', { companyName: selected.companyName }) : t('common.actions')}
            >
              {pane ?? <Text size="sm">{t('customers.selectACustomerToSee')}</Text>}
            </Paper>
          </Grid.Col>
        )}
      </Grid>
      {!wide && (
        <Drawer
          opened={selected !== null}
          onClose={() => setSelectedId(null)}
          position="bottom"
          title={selected ? t('customers.actions', { companyName: selected.companyName }) : t('common.actions')}
          size="auto"
        >
          {pane}
        </Drawer>
      )}
    </Stack>
  );
}

/** One page of customers; choosing one shows its actions beside (or below) the list. */
function CustomersTable(props: {
  edges: CustomersQuery['customers']['edges'];
  search: string;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t, country } = useI18n();
  const labels = useLabels();
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table highlightOnHover verticalSpacing="xs">
        <caption>
          <VisuallyHidden>{props.search ? t('customers.matching', { search: props.search }) : t('common.customers')}</VisuallyHidden>
        </caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.company')}</Table.Th>
            <Table.Th visibleFrom="sm">{t('customers.domain')}</Table.Th>
            <Table.Th visibleFrom="sm">{t('common.country')}</Table.Th>
            <Table.Th visibleFrom="sm">{t('common.relationship')}</Table.Th>
            <Table.Th>{t('common.state')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.edges.map(({ node }) => (
            <Table.Tr key={node.id} bg={node.id === props.selectedId ? 'var(--mantine-color-blue-light)' : undefined}>
              <Table.Td>
                <UnstyledButton
                  onClick={() => props.onSelect(node.id)}
                  aria-pressed={node.id === props.selectedId}
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
              <Table.Td visibleFrom="sm">{country(node.country)}</Table.Td>
              <Table.Td visibleFrom="sm">{labels.relationship[node.relationship]}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={STATUS_COLOR[node.provisioningState]}>
                  {labels.provisioningState[node.provisioningState]}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
