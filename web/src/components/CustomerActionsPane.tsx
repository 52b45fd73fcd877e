import { Anchor, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import { AddSubscription } from './AddSubscription';
import { useCapabilities } from './Viewer';
import { STATUS_COLOR, useLabels } from './labels';
import { useI18n } from '../i18n/I18nProvider';

export const CustomerActionsFragment = graphql(`
  fragment CustomerActions_customer on Customer {
    id
    companyName
    defaultDomain
    country
    provisioningState
    subscriptions {
      id
      friendlyName
      quantity
      status
      channel
    }
  }
`);

/** The actions pane of customer management: the selected customer's subscriptions. */
export function CustomerActionsPane(props: { customer: FragmentType<typeof CustomerActionsFragment>; headingId: string }) {
  const { t } = useI18n();
  const labels = useLabels();
  const customer = getFragmentData(CustomerActionsFragment, props.customer);
  const { createsCustomers } = useCapabilities();
  const [adding, setAdding] = useState(false);
  return (
    <Stack gap="sm">
      <Title order={2} size="h3" id={props.headingId}>
        {customer.companyName}
      </Title>
      <Text size="sm" c="dimmed">
        {customer.defaultDomain}
      </Text>
      {customer.provisioningState !== 'ACTIVE' && (
        <Badge color={STATUS_COLOR[customer.provisioningState]}>{labels.provisioningState[customer.provisioningState]}</Badge>
      )}
      <Button component={Link} to={`/customers/${customer.id}`} variant="light">
        {t('common.openCustomerPage')}
      </Button>
      {createsCustomers && customer.provisioningState === 'ACTIVE' && (
        <Button variant="default" onClick={() => setAdding(true)}>
          {t('customerActionsPane.addANewSubscription')}
        </Button>
      )}
      <AddSubscription customer={customer} opened={adding} onClose={() => setAdding(false)} />
      <Title order={3} size="h5" mt="xs">
        {t('common.subscriptions')}
      </Title>
      {customer.subscriptions.length === 0 && <Text size="sm">{t('common.noSubscriptionsYet')}</Text>}
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {customer.subscriptions.map((subscription) => (
          <li key={subscription.id}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Anchor component={Link} to={`/subscriptions/${subscription.id}`} size="sm">
                {subscription.friendlyName}
              </Anchor>
              <Badge variant="light" color={STATUS_COLOR[subscription.status]} style={{ flexShrink: 0 }}>
                {labels.subscriptionStatus[subscription.status]}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {labels.licences(subscription.quantity)}
              {subscription.channel === 'DIRECT' ? t('customerActionsPane.boughtDirectlyViewOnly') : ''}
            </Text>
          </li>
        ))}
      </Stack>
    </Stack>
  );
}
