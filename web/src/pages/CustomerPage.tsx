import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { graphql } from '../__generated__';
import type { CustomerPageQuery } from '../__generated__/graphql';
import { DelegatedAdmin } from '../components/customer/DelegatedAdmin';
import { ServiceRequests } from '../components/customer/ServiceRequests';
import { CustomerUsers } from '../components/customer/CustomerUsers';
import { ErrorMessage, FormErrors, type PayloadError, payloadErrors } from '../components/errors';
import { STATUS_COLOR, useLabels } from '../components/labels';
import { useCapabilities } from '../components/Viewer';
import { useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

const CustomerPageDocument = graphql(`
  query CustomerPage($id: ID!) {
    customer(id: $id) {
      id
      companyName
      defaultDomain
      country
      relationship
      provisioningState
      provisioningError
      hasAdminRights
      primaryContact {
        firstName
        lastName
        email
        phone
      }
      address {
        line1
        city
        postalCode
        country
      }
      subscriptions {
        id
        friendlyName
        quantity
        status
        scheduledChange {
          quantity
          offer {
            id
            name
          }
          termMonths
          billingCycle
          effectiveDate
        }
      }
      ...CustomerUsers_customer
      ...ServiceRequests_customer
      ...DelegatedAdmin_customer
    }
  }
`);

const RetryProvisioningDocument = graphql(`
  mutation RetryCustomerProvisioning($customerId: ID!) {
    retryCustomerProvisioning(customerId: $customerId) {
      errors {
        ...PayloadErrorFields
      }
      customer {
        id
        provisioningState
      }
    }
  }
`);

/** The customer page: its details, subscriptions, users, service requests and delegated administration. */
export function CustomerPage() {
  const { t } = useI18n();
  const labels = useLabels();
  const { customerId = '' } = useParams();
  const capabilities = useCapabilities();
  const queryClient = useQueryClient();
  const { data, error, isPending } = useGraphQLQuery(
    CustomerPageDocument,
    { id: customerId },
    // A customer being provisioned is followed until it is ACTIVE or FAILED.
    { refetchInterval: (query) => (query.state.data?.customer?.provisioningState === 'PROVISIONING' ? 2_000 : false) },
  );
  const retry = useGraphQLMutation(RetryProvisioningDocument);
  const [retryErrors, setRetryErrors] = useState<readonly PayloadError[]>([]);
  const changed = () => void queryClient.invalidateQueries();

  if (isPending) return <Loader aria-label={t('customer.loadingTheCustomer')} />;
  if (error)
    return (
      <Alert color="red" title={t('customer.theCustomerCouldNotBe')}>
        <ErrorMessage error={error} />
      </Alert>
    );
  const customer = data?.customer;
  if (!customer) {
    return (
      <Alert color="gray" title={t('customer.customerNotFound')}>
        {t('customer.itDoesNotExistOr')}{' '}
        <Anchor component={Link} to="/customers">
          {t('common.backToCustomers')}
        </Anchor>
      </Alert>
    );
  }

  return (
    <Stack maw={1100}>
      <Breadcrumbs>
        <Anchor component={Link} to="/customers">
          {t('common.customers')}
        </Anchor>
        <Text size="sm">{customer.companyName}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {customer.companyName}
          </Title>
          <Text c="dimmed">{customer.defaultDomain}</Text>
        </div>
        <Badge size="lg" color={STATUS_COLOR[customer.provisioningState]} role="status">
          {labels.provisioningState[customer.provisioningState]}
        </Badge>
      </Group>
      {customer.provisioningState === 'PROVISIONING' && (
        <Alert color="yellow" title={t('customer.provisioning')} icon={<Loader size="xs" />}>
          {t('customer.theCustomerSTenantAnd')}
        </Alert>
      )}
      {customer.provisioningState === 'FAILED' && (
        <Alert color="red" title={t('customer.provisioningFailed')}>
          <Text size="sm">{customer.provisioningError ?? t('customer.theReasonWasNotRecorded')}</Text>
          <FormErrors errors={retryErrors} />
          {capabilities.createsCustomers && (
            <Button
              mt="sm"
              size="xs"
              loading={retry.isPending}
              onClick={async () => {
                const payload = (await retry.mutateAsync({ customerId: customer.id })).retryCustomerProvisioning;
                setRetryErrors(payloadErrors(payload.errors));
                if (payload.errors.length === 0) {
                  notifications.show({ message: t('customer.provisioningStartedAgain') });
                  changed();
                }
              }}
            >
              {t('common.retryProvisioning')}
            </Button>
          )}
        </Alert>
      )}
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <div>
            <Text size="xs" c="dimmed">
              {t('common.relationship')}
            </Text>
            <Text size="sm">
              {labels.relationship[customer.relationship]}
              {customer.hasAdminRights ? t('customer.withAdminRights') : t('customer.noAdminRights')}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t('customer.primaryContact')}
            </Text>
            <Text size="sm">
              {customer.primaryContact.firstName} {customer.primaryContact.lastName}, {customer.primaryContact.email}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              {t('common.address')}
            </Text>
            <Text size="sm">
              {customer.address
                ? `${customer.address.line1}, ${customer.address.postalCode} ${customer.address.city}, ${customer.address.country}`
                : customer.country}
            </Text>
          </div>
        </SimpleGrid>
      </Paper>
      <Tabs defaultValue="subscriptions" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="subscriptions">{t('common.subscriptions')}</Tabs.Tab>
          <Tabs.Tab value="users">{t('common.users')}</Tabs.Tab>
          <Tabs.Tab value="service-requests">{t('customer.serviceRequests')}</Tabs.Tab>
          <Tabs.Tab value="delegated-admin">{t('common.delegatedAdmin')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="subscriptions" pt="md">
          <SubscriptionsTable subscriptions={customer.subscriptions} />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <CustomerUsers customer={customer} onChanged={changed} />
        </Tabs.Panel>
        <Tabs.Panel value="service-requests" pt="md">
          <ServiceRequests customer={customer} onChanged={changed} />
        </Tabs.Panel>
        <Tabs.Panel value="delegated-admin" pt="md">
          <DelegatedAdmin customer={customer} onChanged={changed} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

type Subscription = NonNullable<CustomerPageQuery['customer']>['subscriptions'][number];

/** The customer's subscriptions: licences, status and what changes at renewal. */
function SubscriptionsTable(props: { subscriptions: Subscription[] }) {
  const { t } = useI18n();
  const labels = useLabels();
  return props.subscriptions.length === 0 ? (
    <Text size="sm">{t('common.noSubscriptionsYet')}</Text>
  ) : (
    <Table.ScrollContainer minWidth={320}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.subscription')}</Table.Th>
            <Table.Th>{t('common.licences')}</Table.Th>
            <Table.Th>{t('common.status')}</Table.Th>
            <Table.Th>{t('customer.atRenewal')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.subscriptions.map((subscription) => (
            <Table.Tr key={subscription.id}>
              <Table.Td>
                <Anchor component={Link} to={`/subscriptions/${subscription.id}`}>
                  {subscription.friendlyName}
                </Anchor>
              </Table.Td>
              <Table.Td>{labels.licences(subscription.quantity)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={STATUS_COLOR[subscription.status]}>
                  {labels.subscriptionStatus[subscription.status]}
                </Badge>
              </Table.Td>
              <Table.Td>
                {subscription.scheduledChange ? (
                  <Text size="sm">
                    {t('customer.scheduledChange', {
                      date: labels.date(subscription.scheduledChange.effectiveDate),
                      change: labels.scheduledChange(subscription.scheduledChange),
                    })}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('customer.noChange')}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
