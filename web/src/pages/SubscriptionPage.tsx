import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Loader, Modal, NumberInput, Paper, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type { ChangeSubscriptionQuantityMutation } from '../__generated__/graphql';
import { fieldError, FormErrors, VersionConflict, type PayloadError } from '../components/errors';
import { CHANNEL, formatDate, licences, STATUS_COLOR, SUBSCRIPTION_STATUS } from '../components/labels';
import { RenewWithProductKey } from '../components/RenewWithProductKey';
import { SubscriptionChanges } from '../components/SubscriptionChanges';
import { useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';

const SubscriptionPageDocument = graphql(`
  query SubscriptionPage($id: ID!) {
    subscription(id: $id) {
      id
      friendlyName
      status
      channel
      isTrial
      startDate
      endDate
      termMonths
      billingCycle
      allowedActions
      customer {
        id
        companyName
      }
      offer {
        id
        name
      }
      partnerOnRecord {
        id
        companyName
      }
      ...LicenceCount_subscription
      ...SubscriptionStatus_subscription
      ...Licences_subscription
      ...SubscriptionChanges_subscription
      cancelledAt
      refundAmount
      refundCurrency
      replacedBy {
        id
        friendlyName
      }
    }
  }
`);

const CONFLICT = 'VERSION_CONFLICT';
const hasConflict = (errors: readonly PayloadError[] | undefined) => errors?.some((error) => error.code === CONFLICT) ?? false;

/** The subscription page (seeds 000, 004): licence count, status, auto-renew, licences. */
export function SubscriptionPage() {
  const { subscriptionId = '' } = useParams();
  const { data, error, isPending, refetch, isRefetching } = useGraphQLQuery(SubscriptionPageDocument, { id: subscriptionId });
  const queryClient = useQueryClient();
  // Every change refreshes what any screen shows of it (the list's pane included).
  const changed = () => void queryClient.invalidateQueries();
  const reload = () => void refetch();

  if (isPending) return <Loader aria-label="Loading the subscription" />;
  if (error) return <Alert color="red" title="The subscription could not be loaded">{error.message}</Alert>;
  const subscription = data?.subscription;
  if (!subscription) {
    return (
      <Alert color="gray" title="Subscription not found">
        It does not exist, or it belongs to a customer your organisation does not support. <Anchor component={Link} to="/customers">Back to customers</Anchor>
      </Alert>
    );
  }
  // Licences are the customer tenant's admin action, offered on direct purchases too; managing
  // the subscription itself (count, status, renewal) is for the partner that sold it.
  const manages = subscription.allowedActions.some((action) => action !== 'ASSIGN_LICENCE' && action !== 'UNASSIGN_LICENCE');

  return (
    <Stack maw={960}>
      <Breadcrumbs>
        <Anchor component={Link} to="/customers">
          Customers
        </Anchor>
        <Anchor component={Link} to={`/customers/${subscription.customer.id}`}>
          {subscription.customer.companyName}
        </Anchor>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <Title order={1} size="h2">
          {subscription.friendlyName}
        </Title>
        <Badge size="lg" color={STATUS_COLOR[subscription.status]}>
          {SUBSCRIPTION_STATUS[subscription.status]}
        </Badge>
      </Group>
      {!manages && (
        <Alert color="gray" title="View only">
          {subscription.channel === 'RESELLER'
            ? 'Your access does not allow changing this subscription.'
            : `${CHANNEL[subscription.channel]}: only the partner that sold a subscription can change it. You can view it, and manage its users' licences where you administer the customer.`}
        </Alert>
      )}
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Detail label="Offer" value={subscription.offer?.name ?? 'Not in your catalogue'} />
          <Detail label="Sold by" value={subscription.partnerOnRecord?.companyName ?? CHANNEL[subscription.channel]} />
          <Detail label="Term" value={`${subscription.termMonths} months${subscription.billingCycle ? `, billed ${subscription.billingCycle.toLowerCase()}` : ''}`} />
          <Detail label="Commitment ends" value={formatDate(subscription.endDate)} />
          <Detail label="Started" value={formatDate(subscription.startDate)} />
          {subscription.isTrial && <Detail label="Trial" value="Yes" />}
          {subscription.cancelledAt && <Detail label="Cancelled" value={formatDate(subscription.cancelledAt)} />}
          {subscription.refundAmount != null && <Detail label="Refund" value={`${subscription.refundAmount.toFixed(2)} ${subscription.refundCurrency ?? ''}`} />}
        </SimpleGrid>
        {subscription.replacedBy && (
          <Text size="sm" mt="sm">
            Replaced by{' '}
            <Anchor component={Link} to={`/subscriptions/${subscription.replacedBy.id}`}>
              {subscription.replacedBy.friendlyName}
            </Anchor>
          </Text>
        )}
      </Paper>
      <LicenceCount subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      <SubscriptionStatus subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      <SubscriptionChanges subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      {subscription.allowedActions.includes('RENEW_WITH_PRODUCT_KEY') && <RenewWithProductKey subscriptionId={subscription.id} onChanged={changed} />}
      <Licences subscription={subscription} onChanged={changed} />
    </Stack>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}

interface SectionProps {
  onChanged: () => void;
  onReload: () => void;
  reloading: boolean;
}

const LicenceCountFragment = graphql(`
  fragment LicenceCount_subscription on CustomerSubscription {
    id
    quantity
    version
    assignedLicences
    availableLicences
    allowedActions
    offer {
      id
      minQuantity
      maxQuantity
      unitPrice
      currency
    }
  }
`);

const ChangeQuantityDocument = graphql(`
  mutation ChangeSubscriptionQuantity($id: ID!, $quantity: Int!, $expectedVersion: Int!, $dryRun: Boolean!) {
    changeSubscriptionQuantity(id: $id, quantity: $quantity, expectedVersion: $expectedVersion, dryRun: $dryRun) {
      dryRun
      errors {
        code
        message
        field
      }
      subscription {
        id
        quantity
        version
      }
    }
  }
`);

type Review = NonNullable<ChangeSubscriptionQuantityMutation['changeSubscriptionQuantity']['subscription']>;

/** Licence count: new count within the offer's min/max → review (dryRun) → confirm. */
function LicenceCount(props: SectionProps & { subscription: FragmentType<typeof LicenceCountFragment> }) {
  const subscription = getFragmentData(LicenceCountFragment, props.subscription);
  const mutation = useGraphQLMutation(ChangeQuantityDocument);
  const [editing, setEditing] = useState(false);
  const [quantity, setQuantity] = useState<number | string>(subscription.quantity);
  const [review, setReview] = useState<Review | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const canChange = subscription.allowedActions.includes('CHANGE_QUANTITY');
  const min = Math.max(subscription.offer?.minQuantity ?? 1, subscription.assignedLicences);
  const max = subscription.offer?.maxQuantity;

  const reset = () => {
    setEditing(false);
    setReview(null);
    setErrors([]);
  };
  const send = async (dryRun: boolean) => {
    const result = await mutation.mutateAsync({ id: subscription.id, quantity: Number(quantity), expectedVersion: subscription.version, dryRun });
    const payload = result.changeSubscriptionQuantity;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    if (dryRun) return setReview(payload.subscription ?? null);
    notifications.show({ color: 'green', message: `Licence count changed to ${payload.subscription?.quantity}.` });
    reset();
    props.onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="licence-count">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="licence-count">
            Licences
          </Title>
          {canChange && !editing && (
            <Button variant="light" onClick={() => { setQuantity(subscription.quantity); setEditing(true); }}>
              Change licence count
            </Button>
          )}
        </Group>
        <Group gap="xl">
          <Text>
            <Text span fw={700} size="xl" aria-label="Current licence count">
              {subscription.quantity}
            </Text>{' '}
            licences
          </Text>
          <Text size="sm" c="dimmed">
            {subscription.assignedLicences} assigned · {subscription.availableLicences} available
          </Text>
        </Group>
        {hasConflict(errors) && (
          <VersionConflict
            reloading={props.reloading}
            onReload={() => {
              reset();
              props.onReload();
            }}
          />
        )}
        {editing && !review && !hasConflict(errors) && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void send(true);
            }}
          >
            <Stack gap="sm" maw={360}>
              <NumberInput
                label="New licence count"
                description={`Between ${min} and ${max ?? 'the offer maximum'}${subscription.assignedLicences > 0 ? ` (${subscription.assignedLicences} are assigned)` : ''}`}
                min={min}
                max={max}
                value={quantity}
                onChange={setQuantity}
                allowDecimal={false}
                allowNegative={false}
                required
                error={fieldError(errors, 'quantity')}
                data-autofocus
              />
              <FormErrors errors={errors} shownFields={['quantity']} />
              <Group>
                <Button type="submit" loading={mutation.isPending} disabled={quantity === '' || Number(quantity) === subscription.quantity}>
                  Review
                </Button>
                <Button variant="default" onClick={reset}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {review && !hasConflict(errors) && (
          <Alert color="blue" title="Review the change">
            <Stack gap="xs">
              <Text size="sm">
                From {licences(subscription.quantity)} to <strong>{licences(review.quantity)}</strong>
                {subscription.offer ? ` (${(review.quantity * subscription.offer.unitPrice).toFixed(2)} ${subscription.offer.currency} a month)` : ''}.
              </Text>
              <FormErrors errors={errors} />
              <Group>
                <Button onClick={() => void send(false)} loading={mutation.isPending}>
                  Confirm change
                </Button>
                <Button variant="default" onClick={() => setReview(null)}>
                  Back
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {mutation.error && <Alert color="red">{mutation.error.message}</Alert>}
      </Stack>
    </Paper>
  );
}

const SubscriptionStatusFragment = graphql(`
  fragment SubscriptionStatus_subscription on CustomerSubscription {
    id
    status
    autoRenew
    version
    allowedActions
  }
`);

const SuspendDocument = graphql(`
  mutation SuspendSubscription($id: ID!, $expectedVersion: Int!) {
    suspendSubscription(id: $id, expectedVersion: $expectedVersion) {
      errors {
        code
        message
        field
      }
      subscription {
        id
        status
        version
      }
    }
  }
`);

const ActivateDocument = graphql(`
  mutation ActivateSubscription($id: ID!, $expectedVersion: Int!) {
    activateSubscription(id: $id, expectedVersion: $expectedVersion) {
      errors {
        code
        message
        field
      }
      subscription {
        id
        status
        version
      }
    }
  }
`);

const AutoRenewDocument = graphql(`
  mutation SetSubscriptionAutoRenew($id: ID!, $enabled: Boolean!, $expectedVersion: Int!) {
    setSubscriptionAutoRenew(id: $id, enabled: $enabled, expectedVersion: $expectedVersion) {
      errors {
        code
        message
        field
      }
      subscription {
        id
        autoRenew
        version
      }
    }
  }
`);

/** Status (suspend / activate, with a confirmation) and auto-renew. */
function SubscriptionStatus(props: SectionProps & { subscription: FragmentType<typeof SubscriptionStatusFragment> }) {
  const subscription = getFragmentData(SubscriptionStatusFragment, props.subscription);
  const suspend = useGraphQLMutation(SuspendDocument);
  const activate = useGraphQLMutation(ActivateDocument);
  const autoRenew = useGraphQLMutation(AutoRenewDocument);
  const [confirming, setConfirming] = useState<'suspend' | 'activate' | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const canSuspend = subscription.allowedActions.includes('SUSPEND');
  const canActivate = subscription.allowedActions.includes('ACTIVATE');
  const canAutoRenew = subscription.allowedActions.includes('SET_AUTO_RENEW');

  const done = (payload: { errors: readonly PayloadError[] }, message: string) => {
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message });
    props.onChanged();
  };
  const changeStatus = async () => {
    const variables = { id: subscription.id, expectedVersion: subscription.version };
    const kind = confirming;
    setConfirming(null);
    if (kind === 'suspend') done((await suspend.mutateAsync(variables)).suspendSubscription, 'Subscription suspended.');
    if (kind === 'activate') done((await activate.mutateAsync(variables)).activateSubscription, 'Subscription activated.');
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="subscription-status">
      <Stack gap="sm">
        <Title order={2} size="h4" id="subscription-status">
          Status and renewal
        </Title>
        {hasConflict(errors) && (
          <VersionConflict
            reloading={props.reloading}
            onReload={() => {
              setErrors([]);
              props.onReload();
            }}
          />
        )}
        <FormErrors errors={errors} />
        <Group>
          {canSuspend && (
            <Button color="orange" variant="light" onClick={() => setConfirming('suspend')} loading={suspend.isPending}>
              Suspend subscription
            </Button>
          )}
          {canActivate && (
            <Button variant="light" onClick={() => setConfirming('activate')} loading={activate.isPending}>
              Activate subscription
            </Button>
          )}
        </Group>
        <Switch
          label="Renew automatically at the end of the term"
          checked={subscription.autoRenew}
          disabled={!canAutoRenew || autoRenew.isPending}
          onChange={async (event) => {
            const enabled = event.currentTarget.checked;
            const result = await autoRenew.mutateAsync({ id: subscription.id, enabled, expectedVersion: subscription.version });
            done(result.setSubscriptionAutoRenew, enabled ? 'Auto-renew is on.' : 'Auto-renew is off.');
          }}
        />
      </Stack>
      <Modal opened={confirming !== null} onClose={() => setConfirming(null)} title={confirming === 'suspend' ? 'Suspend this subscription?' : 'Activate this subscription?'}>
        <Text size="sm" mb="md">
          {confirming === 'suspend'
            ? "Suspending starts the customer's cancellation: its users keep access for a limited time only."
            : 'The customer gets its licences back.'}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(null)}>
            Cancel
          </Button>
          <Button color={confirming === 'suspend' ? 'orange' : undefined} onClick={() => void changeStatus()}>
            {confirming === 'suspend' ? 'Suspend' : 'Activate'}
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}

const LicencesFragment = graphql(`
  fragment Licences_subscription on CustomerSubscription {
    id
    allowedActions
    availableLicences
    licenceAssignments {
      userId
      assignedAt
    }
    customer {
      id
      users {
        id
        displayName
        userName
      }
    }
  }
`);

const AssignLicenceDocument = graphql(`
  mutation AssignLicence($subscriptionId: ID!, $userId: ID!) {
    assignLicence(subscriptionId: $subscriptionId, userId: $userId) {
      errors {
        code
        message
        field
      }
    }
  }
`);

const UnassignLicenceDocument = graphql(`
  mutation UnassignLicence($subscriptionId: ID!, $userId: ID!) {
    unassignLicence(subscriptionId: $subscriptionId, userId: $userId) {
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Which of the customer's users hold a licence of this subscription. */
function Licences(props: { subscription: FragmentType<typeof LicencesFragment>; onChanged: () => void }) {
  const subscription = getFragmentData(LicencesFragment, props.subscription);
  const assign = useGraphQLMutation(AssignLicenceDocument);
  const unassign = useGraphQLMutation(UnassignLicenceDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const assigned = new Set(subscription.licenceAssignments.map((assignment) => assignment.userId));
  const canAssign = subscription.allowedActions.includes('ASSIGN_LICENCE');
  const canUnassign = subscription.allowedActions.includes('UNASSIGN_LICENCE');

  const run = async (userId: string, action: 'assign' | 'unassign') => {
    const variables = { subscriptionId: subscription.id, userId };
    const payload = action === 'assign' ? (await assign.mutateAsync(variables)).assignLicence : (await unassign.mutateAsync(variables)).unassignLicence;
    setErrors(payload.errors);
    if (payload.errors.length === 0) props.onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="licence-assignments">
      <Stack gap="sm">
        <Title order={2} size="h4" id="licence-assignments">
          Users with a licence
        </Title>
        <FormErrors errors={errors} />
        {subscription.customer.users.length === 0 ? (
          <Text size="sm">The customer has no users.</Text>
        ) : (
          <Table.ScrollContainer minWidth={300}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Licence</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {subscription.customer.users.map((user) => {
                  const has = assigned.has(user.id);
                  return (
                    <Table.Tr key={user.id}>
                      <Table.Td>
                        <Text size="sm">{user.displayName}</Text>
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {user.userName}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {has && canUnassign ? (
                          <Button size="xs" variant="default" aria-label={`Remove licence from ${user.displayName}`} onClick={() => void run(user.id, 'unassign')}>
                            Remove licence
                          </Button>
                        ) : !has && canAssign ? (
                          <Button size="xs" variant="light" aria-label={`Assign licence to ${user.displayName}`} disabled={subscription.availableLicences === 0} onClick={() => void run(user.id, 'assign')}>
                            Assign licence
                          </Button>
                        ) : (
                          <Text size="sm">{has ? 'Assigned' : 'None'}</Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
