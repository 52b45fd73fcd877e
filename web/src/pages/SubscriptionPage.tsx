import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type { ChangeSubscriptionQuantityMutation } from '../__generated__/graphql';
import {
  ErrorMessage,
  fieldError,
  FormErrors,
  type PayloadError,
  VersionConflict,
  payloadErrors,
  type PayloadErrorRefs,
} from '../components/errors';
import { STATUS_COLOR, useLabels } from '../components/labels';
import { RenewWithProductKey } from '../components/RenewWithProductKey';
import { SubscriptionChanges } from '../components/SubscriptionChanges';
import { useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

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

/** The subscription page: licence count, status, auto-renew, licences. */
export function SubscriptionPage() {
  const { t, price, number } = useI18n();
  const labels = useLabels();
  const { subscriptionId = '' } = useParams();
  const { data, error, isPending, refetch, isRefetching } = useGraphQLQuery(SubscriptionPageDocument, { id: subscriptionId });
  const queryClient = useQueryClient();
  // Every change refreshes what any screen shows of it (the list's pane included).
  const changed = () => void queryClient.invalidateQueries();
  const reload = () => void refetch();

  if (isPending) return <Loader aria-label={t('subscription.loadingTheSubscription')} />;
  if (error)
    return (
      <Alert color="red" title={t('subscription.theSubscriptionCouldNotBe')}>
        <ErrorMessage error={error} />
      </Alert>
    );
  const subscription = data?.subscription;
  if (!subscription) {
    return (
      <Alert color="gray" title={t('subscription.subscriptionNotFound')}>
        {t('subscription.itDoesNotExistOr')}{' '}
        <Anchor component={Link} to="/customers">
          {t('common.backToCustomers')}
        </Anchor>
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
          {t('common.customers')}
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
          {labels.subscriptionStatus[subscription.status]}
        </Badge>
      </Group>
      {!manages && (
        <Alert color="gray" title={t('subscription.viewOnly')}>
          {subscription.channel === 'RESELLER'
            ? t('subscription.yourAccessDoesNotAllow')
            : t('subscription.onlyThePartnerThatSold', { value: labels.channel[subscription.channel] })}
        </Alert>
      )}
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Detail label={t('common.offer')} value={subscription.offer?.name ?? t('subscription.notInYourCatalogue')} />
          <Detail
            label={t('subscription.soldBy')}
            value={subscription.partnerOnRecord?.companyName ?? labels.channel[subscription.channel]}
          />
          <Detail
            label={t('subscription.term')}
            value={
              subscription.billingCycle
                ? t(subscription.billingCycle === 'ANNUAL' ? 'subscription.term.ANNUAL' : 'subscription.term.MONTHLY', {
                    months: subscription.termMonths,
                  })
                : t('subscription.termMonths', { months: subscription.termMonths })
            }
          />
          <Detail label={t('subscription.commitmentEnds')} value={labels.date(subscription.endDate)} />
          <Detail label={t('subscription.started')} value={labels.date(subscription.startDate)} />
          {subscription.isTrial && <Detail label={t('subscription.trial')} value={t('subscription.yes')} />}
          {subscription.cancelledAt && <Detail label={t('subscription.cancelled')} value={labels.date(subscription.cancelledAt)} />}
          {subscription.refundAmount != null && (
            <Detail
              label={t('subscription.refund')}
              value={
                subscription.refundCurrency
                  ? price(subscription.refundAmount, subscription.refundCurrency)
                  : number(subscription.refundAmount)
              }
            />
          )}
        </SimpleGrid>
        {subscription.replacedBy && (
          <Text size="sm" mt="sm">
            {t('subscription.replacedBy')}{' '}
            <Anchor component={Link} to={`/subscriptions/${subscription.replacedBy.id}`}>
              {subscription.replacedBy.friendlyName}
            </Anchor>
          </Text>
        )}
      </Paper>
      <LicenceCount subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      <SubscriptionStatus subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      <SubscriptionChanges subscription={subscription} onChanged={changed} onReload={reload} reloading={isRefetching} />
      {subscription.allowedActions.includes('RENEW_WITH_PRODUCT_KEY') && (
        <RenewWithProductKey subscriptionId={subscription.id} onChanged={changed} />
      )}
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
        ...PayloadErrorFields
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
  const { t, rich, price } = useI18n();
  const labels = useLabels();
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
    const result = await mutation.mutateAsync({
      id: subscription.id,
      quantity: Number(quantity),
      expectedVersion: subscription.version,
      dryRun,
    });
    const payload = result.changeSubscriptionQuantity;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    if (dryRun) return setReview(payload.subscription ?? null);
    notifications.show({
      color: 'green',
      message: t('subscription.licenceCountChangedTo', { quantity: payload.subscription?.quantity ?? review?.quantity ?? 0 }),
    });
    reset();
    props.onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="licence-count">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="licence-count">
            {t('common.licences')}
          </Title>
          {canChange && !editing && (
            <Button
              variant="light"
              onClick={() => {
                setQuantity(subscription.quantity);
                setEditing(true);
              }}
            >
              {t('subscription.changeLicenceCount')}
            </Button>
          )}
        </Group>
        <Group gap="xl">
          <Text>
            <Text span fw={700} size="xl" aria-label={t('subscription.currentLicenceCount')}>
              {subscription.quantity}
            </Text>{' '}
            {t('subscription.licencesWord', { count: subscription.quantity })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('subscription.assignedAvailable', {
              assignedLicences: subscription.assignedLicences,
              availableLicences: subscription.availableLicences,
            })}
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
                label={t('subscription.newLicenceCount')}
                description={t(max == null ? 'subscription.betweenAndOfferMaximum' : 'subscription.betweenAnd', {
                  min,
                  max: max ?? 0,
                  assigned: subscription.assignedLicences,
                })}
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
                  {t('common.review')}
                </Button>
                <Button variant="default" onClick={reset}>
                  {t('common.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {review && !hasConflict(errors) && (
          <Alert color="blue" title={t('subscription.reviewTheChange')}>
            <Stack gap="xs">
              <Text size="sm">
                {subscription.offer
                  ? rich('subscription.reviewWithPrice', {
                      from: labels.licences(subscription.quantity),
                      to: labels.licences(review.quantity),
                      price: price(review.quantity * subscription.offer.unitPrice, subscription.offer.currency),
                    })
                  : rich('subscription.review', { from: labels.licences(subscription.quantity), to: labels.licences(review.quantity) })}
              </Text>
              <FormErrors errors={errors} />
              <Group>
                <Button onClick={() => void send(false)} loading={mutation.isPending}>
                  {t('subscription.confirmChange')}
                </Button>
                <Button variant="default" onClick={() => setReview(null)}>
                  {t('common.back')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {mutation.error && (
          <Alert color="red">
            <ErrorMessage error={mutation.error} />
          </Alert>
        )}
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
  const { t } = useI18n();
  const subscription = getFragmentData(SubscriptionStatusFragment, props.subscription);
  const suspend = useGraphQLMutation(SuspendDocument);
  const activate = useGraphQLMutation(ActivateDocument);
  const autoRenew = useGraphQLMutation(AutoRenewDocument);
  const [confirming, setConfirming] = useState<'suspend' | 'activate' | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const canSuspend = subscription.allowedActions.includes('SUSPEND');
  const canActivate = subscription.allowedActions.includes('ACTIVATE');
  const canAutoRenew = subscription.allowedActions.includes('SET_AUTO_RENEW');

  const done = (payload: { errors: PayloadErrorRefs }, message: string) => {
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message });
    props.onChanged();
  };
  const changeStatus = async () => {
    const variables = { id: subscription.id, expectedVersion: subscription.version };
    const kind = confirming;
    setConfirming(null);
    if (kind === 'suspend') done((await suspend.mutateAsync(variables)).suspendSubscription, t('subscription.suspended'));
    if (kind === 'activate') done((await activate.mutateAsync(variables)).activateSubscription, t('subscription.activated'));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="subscription-status">
      <Stack gap="sm">
        <Title order={2} size="h4" id="subscription-status">
          {t('subscription.statusAndRenewal')}
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
              {t('subscription.suspendSubscription')}
            </Button>
          )}
          {canActivate && (
            <Button variant="light" onClick={() => setConfirming('activate')} loading={activate.isPending}>
              {t('subscription.activateSubscription')}
            </Button>
          )}
        </Group>
        <Switch
          label={t('subscription.renewAutomaticallyAtTheEnd')}
          checked={subscription.autoRenew}
          disabled={!canAutoRenew || autoRenew.isPending}
          onChange={async (event) => {
            const enabled = event.currentTarget.checked;
            const result = await autoRenew.mutateAsync({ id: subscription.id, enabled, expectedVersion: subscription.version });
            done(result.setSubscriptionAutoRenew, enabled ? t('subscription.autoRenewOn') : t('subscription.autoRenewOff'));
          }}
        />
      </Stack>
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={confirming === 'suspend' ? t('subscription.suspendThisSubscription') : t('subscription.activateThisSubscription')}
      >
        <Text size="sm" mb="md">
          {confirming === 'suspend' ? t('subscription.suspendingStartsTheCustomerS') : t('subscription.theCustomerGetsItsLicences')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(null)}>
            {t('common.cancel')}
          </Button>
          <Button color={confirming === 'suspend' ? 'orange' : undefined} onClick={() => void changeStatus()}>
            {confirming === 'suspend' ? t('subscription.suspend') : t('subscription.activate')}
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
        ...PayloadErrorFields
      }
    }
  }
`);

const UnassignLicenceDocument = graphql(`
  mutation UnassignLicence($subscriptionId: ID!, $userId: ID!) {
    unassignLicence(subscriptionId: $subscriptionId, userId: $userId) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

/** Which of the customer's users hold a licence of this subscription. */
function Licences(props: { subscription: FragmentType<typeof LicencesFragment>; onChanged: () => void }) {
  const { t } = useI18n();
  const subscription = getFragmentData(LicencesFragment, props.subscription);
  const assign = useGraphQLMutation(AssignLicenceDocument);
  const unassign = useGraphQLMutation(UnassignLicenceDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const assigned = new Set(subscription.licenceAssignments.map((assignment) => assignment.userId));
  const canAssign = subscription.allowedActions.includes('ASSIGN_LICENCE');
  const canUnassign = subscription.allowedActions.includes('UNASSIGN_LICENCE');

  const run = async (userId: string, action: 'assign' | 'unassign') => {
    const variables = { subscriptionId: subscription.id, userId };
    const payload =
      action === 'assign' ? (await assign.mutateAsync(variables)).assignLicence : (await unassign.mutateAsync(variables)).unassignLicence;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length === 0) props.onChanged();
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="licence-assignments">
      <Stack gap="sm">
        <Title order={2} size="h4" id="licence-assignments">
          {t('subscription.usersWithALicence')}
        </Title>
        <FormErrors errors={errors} />
        {subscription.customer.users.length === 0 ? (
          <Text size="sm">{t('subscription.theCustomerHasNoUsers')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={300}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('common.user')}</Table.Th>
                  <Table.Th>{t('subscription.licence')}</Table.Th>
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
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={t('subscription.removeLicenceFrom', { displayName: user.displayName })}
                            onClick={() => void run(user.id, 'unassign')}
                          >
                            {t('subscription.removeLicence')}
                          </Button>
                        ) : !has && canAssign ? (
                          <Button
                            size="xs"
                            variant="light"
                            aria-label={t('subscription.assignLicenceTo', { displayName: user.displayName })}
                            disabled={subscription.availableLicences === 0}
                            onClick={() => void run(user.id, 'assign')}
                          >
                            {t('subscription.assignLicence')}
                          </Button>
                        ) : (
                          <Text size="sm">{has ? t('subscription.assigned') : t('subscription.none')}</Text>
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
