import { Alert, Button, Group, NumberInput, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import { fieldError, FormErrors, VersionConflict, type PayloadError } from './errors';
import { BILLING_CYCLE, describeScheduledChange, formatDate, licences, monthlyPrice, priceDifference } from './labels';
import { useGraphQLMutation } from '../graphql/hooks';

/**
 * The partner's weekly work on a subscription it sold (SPEC §4.4): upgrade, trial conversion,
 * cancellation within the window, changes at renewal. Each is offered only when the graph's
 * `allowedActions` has it, and each goes through a review step (the mutation's dryRun) first.
 */
const SubscriptionChangesFragment = graphql(`
  fragment SubscriptionChanges_subscription on CustomerSubscription {
    id
    version
    quantity
    termMonths
    billingCycle
    endDate
    assignedLicences
    allowedActions
    offer {
      id
      name
      unitPrice
      currency
      upgradeTargets {
        id
        name
        unitPrice
        currency
        minQuantity
        maxQuantity
      }
      convertsTo {
        id
        name
        unitPrice
        currency
        minQuantity
        maxQuantity
      }
    }
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
`);

const UpgradeDocument = graphql(`
  mutation UpgradeSubscription($id: ID!, $targetOfferId: ID!, $quantity: Int!, $expectedVersion: Int!, $dryRun: Boolean!, $idempotencyKey: String) {
    upgradeSubscription(id: $id, targetOfferId: $targetOfferId, quantity: $quantity, expectedVersion: $expectedVersion, dryRun: $dryRun, idempotencyKey: $idempotencyKey) {
      dryRun
      errors {
        code
        message
        field
      }
      subscription {
        id
        friendlyName
        quantity
      }
    }
  }
`);

const ConvertTrialDocument = graphql(`
  mutation ConvertTrialSubscription($id: ID!, $quantity: Int!, $expectedVersion: Int!, $dryRun: Boolean!, $idempotencyKey: String) {
    convertTrialSubscription(id: $id, quantity: $quantity, expectedVersion: $expectedVersion, dryRun: $dryRun, idempotencyKey: $idempotencyKey) {
      dryRun
      errors {
        code
        message
        field
      }
      subscription {
        id
        friendlyName
        quantity
        endDate
      }
    }
  }
`);

const CancelDocument = graphql(`
  mutation CancelSubscription($id: ID!, $expectedVersion: Int!, $dryRun: Boolean!, $idempotencyKey: String) {
    cancelSubscription(id: $id, expectedVersion: $expectedVersion, dryRun: $dryRun, idempotencyKey: $idempotencyKey) {
      dryRun
      errors {
        code
        message
        field
      }
      subscription {
        id
        status
        refundAmount
        refundCurrency
      }
    }
  }
`);

const ScheduleDocument = graphql(`
  mutation ScheduleSubscriptionChange(
    $id: ID!
    $quantity: Int
    $offerId: ID
    $termMonths: Int
    $billingCycle: String
    $expectedVersion: Int!
    $dryRun: Boolean!
    $idempotencyKey: String
  ) {
    scheduleSubscriptionChange(
      id: $id
      quantity: $quantity
      offerId: $offerId
      termMonths: $termMonths
      billingCycle: $billingCycle
      expectedVersion: $expectedVersion
      dryRun: $dryRun
      idempotencyKey: $idempotencyKey
    ) {
      dryRun
      errors {
        code
        message
        field
      }
      subscription {
        id
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
    }
  }
`);

const RemoveScheduledDocument = graphql(`
  mutation RemoveScheduledSubscriptionChange($id: ID!, $expectedVersion: Int!) {
    removeScheduledSubscriptionChange(id: $id, expectedVersion: $expectedVersion) {
      errors {
        code
        message
        field
      }
      subscription {
        id
      }
    }
  }
`);

interface Props {
  subscription: FragmentType<typeof SubscriptionChangesFragment>;
  onChanged: () => void;
  onReload: () => void;
  reloading: boolean;
}

type Subscription = ReturnType<typeof useSubscription>;
const useSubscription = (props: Props) => getFragmentData(SubscriptionChangesFragment, props.subscription);

/** One step of a form with a review: the form, then what the dryRun answered, then the change. */
type Step = 'closed' | 'editing' | 'review';

/** A section's shared state: its step, the payload's errors and a new idempotency key per attempt. */
function useReviewed() {
  const [step, setStep] = useState<Step>('closed');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  return {
    step,
    errors,
    idempotencyKey,
    open: () => {
      setErrors([]);
      setStep('editing');
    },
    close: () => {
      setErrors([]);
      setStep('closed');
      setIdempotencyKey(crypto.randomUUID());
    },
    /** Keeps the payload's errors; true when there were none. */
    answered: (payload: { errors: readonly PayloadError[] }, next: Step) => {
      setErrors(payload.errors);
      if (payload.errors.length === 0) setStep(next);
      return payload.errors.length === 0;
    },
  };
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function Conflict({ errors, props, onReset }: { errors: readonly PayloadError[]; props: Props; onReset: () => void }) {
  if (!errors.some((error) => error.code === 'VERSION_CONFLICT')) return null;
  return (
    <VersionConflict
      reloading={props.reloading}
      onReload={() => {
        onReset();
        props.onReload();
      }}
    />
  );
}

export function SubscriptionChanges(props: Props) {
  const subscription = useSubscription(props);
  const can = (action: string) => subscription.allowedActions.includes(action as never);
  return (
    <>
      {can('UPGRADE') && <Upgrade subscription={subscription} props={props} />}
      {can('CONVERT_TRIAL') && <ConvertTrial subscription={subscription} props={props} />}
      {(can('SCHEDULE_CHANGE') || subscription.scheduledChange) && <ChangesAtRenewal subscription={subscription} props={props} />}
      {can('CANCEL') && <Cancel subscription={subscription} props={props} />}
    </>
  );
}

/** Upgrade: one of the offer's upgrade paths and the seats → review with the price difference → the new subscription. */
function Upgrade({ subscription, props }: { subscription: Subscription; props: Props }) {
  const navigate = useNavigate();
  const mutation = useGraphQLMutation(UpgradeDocument);
  const form = useReviewed();
  const targets = subscription.offer?.upgradeTargets ?? [];
  const [targetId, setTargetId] = useState<string | null>(targets[0]?.id ?? null);
  const [quantity, setQuantity] = useState<number | string>(subscription.quantity);
  const target = targets.find((offer) => offer.id === targetId);

  const send = async (dryRun: boolean) => {
    if (!targetId) return;
    const variables = { id: subscription.id, targetOfferId: targetId, quantity: Number(quantity), expectedVersion: subscription.version, dryRun, idempotencyKey: form.idempotencyKey };
    const payload = (await mutation.mutateAsync(variables)).upgradeSubscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed') || dryRun || !payload.subscription) return;
    notifications.show({ color: 'green', message: `Upgraded to ${payload.subscription.friendlyName}: the licences moved to the new subscription.` });
    form.close();
    props.onChanged();
    void navigate(`/subscriptions/${payload.subscription.id}`);
  };

  return (
    <Section id="upgrade" title="Upgrade">
      <Text size="sm" c="dimmed">
        Upgrade paths: {[subscription.offer?.name, ...targets.map((offer) => offer.name)].join(' → ')}
      </Text>
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && (
        <Group>
          <Button variant="light" onClick={form.open}>
            Upgrade subscription
          </Button>
        </Group>
      )}
      {form.step === 'editing' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send(true);
          }}
        >
          <Stack gap="sm" maw={420}>
            <Select
              label="New offer"
              data={targets.map((offer) => ({ value: offer.id, label: `${offer.name} (${monthlyPrice(offer.unitPrice, 1, offer.currency)} per licence a month)` }))}
              value={targetId}
              onChange={setTargetId}
              allowDeselect={false}
              required
              error={fieldError(form.errors, 'targetOfferId')}
            />
            <NumberInput
              label="Licences"
              description={target ? `Between ${Math.max(target.minQuantity, subscription.assignedLicences)} and ${target.maxQuantity}` : undefined}
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              required
              error={fieldError(form.errors, 'quantity')}
            />
            <FormErrors errors={form.errors} shownFields={['targetOfferId', 'quantity']} />
            <Group>
              <Button type="submit" loading={mutation.isPending} disabled={!targetId || quantity === ''}>
                Review
              </Button>
              <Button variant="default" onClick={form.close}>
                Back
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {form.step === 'review' && target && subscription.offer && (
        <Alert color="blue" title="Review the upgrade">
          <Stack gap="xs">
            <Text size="sm">
              From {subscription.offer.name}, {licences(subscription.quantity)} ({monthlyPrice(subscription.offer.unitPrice, subscription.quantity, subscription.offer.currency)} a month) to{' '}
              <strong>
                {target.name}, {licences(Number(quantity))}
              </strong>{' '}
              ({monthlyPrice(target.unitPrice, Number(quantity), target.currency)} a month).
            </Text>
            <Text size="sm" fw={700}>
              Price difference: {priceDifference(subscription.offer.unitPrice * subscription.quantity, target.unitPrice * Number(quantity), target.currency)} a month
            </Text>
            <Text size="sm">
              A new subscription starts today{subscription.assignedLicences > 0 ? ` and takes over the ${licences(subscription.assignedLicences)} assigned` : ''}; this one ends as
              replaced. It cannot be moved back down before the end of the term.
            </Text>
            <FormErrors errors={form.errors} />
            <Group>
              <Button onClick={() => void send(false)} loading={mutation.isPending}>
                Confirm upgrade
              </Button>
              <Button variant="default" onClick={form.open}>
                Back
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

/** Trial conversion: the seats (25 by default) → review with the paid offer's price → paid. */
function ConvertTrial({ subscription, props }: { subscription: Subscription; props: Props }) {
  const mutation = useGraphQLMutation(ConvertTrialDocument);
  const form = useReviewed();
  const [quantity, setQuantity] = useState<number | string>(subscription.quantity);
  const [endDate, setEndDate] = useState<string | null>(null);
  const paid = subscription.offer?.convertsTo;

  const send = async (dryRun: boolean) => {
    const variables = { id: subscription.id, quantity: Number(quantity), expectedVersion: subscription.version, dryRun, idempotencyKey: form.idempotencyKey };
    const payload = (await mutation.mutateAsync(variables)).convertTrialSubscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed')) return;
    if (dryRun) return setEndDate(payload.subscription?.endDate ?? null);
    notifications.show({ color: 'green', message: `The trial is now ${payload.subscription?.friendlyName}.` });
    form.close();
    props.onChanged();
  };

  return (
    <Section id="convert-trial" title="Convert the trial">
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && (
        <Group>
          <Button variant="light" onClick={form.open}>
            Convert to {paid?.name ?? 'the paid offer'}
          </Button>
        </Group>
      )}
      {form.step === 'editing' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send(true);
          }}
        >
          <Stack gap="sm" maw={360}>
            <NumberInput
              label="Licences"
              description={paid ? `Between ${paid.minQuantity} and ${paid.maxQuantity}` : undefined}
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              required
              error={fieldError(form.errors, 'quantity')}
            />
            <FormErrors errors={form.errors} shownFields={['quantity']} />
            <Group>
              <Button type="submit" loading={mutation.isPending} disabled={quantity === ''}>
                Review
              </Button>
              <Button variant="default" onClick={form.close}>
                Back
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {form.step === 'review' && (
        <Alert color="blue" title="Review the conversion">
          <Stack gap="xs">
            <Text size="sm">
              The trial becomes <strong>{paid?.name}</strong> with {licences(Number(quantity))}
              {paid ? ` (${monthlyPrice(paid.unitPrice, Number(quantity), paid.currency)} a month)` : ''}, from today
              {endDate ? ` until ${formatDate(endDate)}` : ''}, renewing automatically. Its licences stay assigned.
            </Text>
            <FormErrors errors={form.errors} />
            <Group>
              <Button onClick={() => void send(false)} loading={mutation.isPending}>
                Confirm conversion
              </Button>
              <Button variant="default" onClick={form.open}>
                Back
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

/** Cancellation within the window: review with the refund → CANCELLED. */
function Cancel({ subscription, props }: { subscription: Subscription; props: Props }) {
  const mutation = useGraphQLMutation(CancelDocument);
  const form = useReviewed();
  const [refund, setRefund] = useState<string | null>(null);

  const send = async (dryRun: boolean) => {
    const payload = (await mutation.mutateAsync({ id: subscription.id, expectedVersion: subscription.version, dryRun, idempotencyKey: form.idempotencyKey })).cancelSubscription;
    const answer = payload.subscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed')) return;
    if (dryRun) return setRefund(answer?.refundAmount != null ? `${answer.refundAmount.toFixed(2)} ${answer.refundCurrency ?? ''}` : null);
    notifications.show({ color: 'green', message: `Subscription cancelled; refund recorded: ${answer?.refundAmount?.toFixed(2)} ${answer?.refundCurrency ?? ''}.` });
    form.close();
    props.onChanged();
  };

  return (
    <Section id="cancel-subscription" title="Cancellation">
      <Text size="sm" c="dimmed">
        Within 7 days (168 hours) of its start or last renewal, a subscription can be cancelled with a refund of the unused part.
      </Text>
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      <FormErrors errors={form.step === 'closed' ? form.errors : []} />
      {form.step !== 'review' && (
        <Group>
          <Button color="red" variant="light" onClick={() => void send(true)} loading={mutation.isPending}>
            Cancel subscription
          </Button>
        </Group>
      )}
      {form.step === 'review' && (
        <Alert color="red" title="Review the cancellation">
          <Stack gap="xs">
            <Text size="sm">
              The subscription ends now and cannot be reactivated{subscription.assignedLicences > 0 ? `; its ${licences(subscription.assignedLicences)} assigned are freed` : ''}.
            </Text>
            <Text size="sm" fw={700}>
              Refund: {refund}
            </Text>
            <FormErrors errors={form.errors} />
            <Group>
              <Button color="red" onClick={() => void send(false)} loading={mutation.isPending}>
                Confirm cancellation
              </Button>
              <Button variant="default" onClick={form.close}>
                Keep the subscription
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

const TERMS = [
  { value: '1', label: '1 month' },
  { value: '12', label: '12 months' },
  { value: '36', label: '36 months' },
];

/** Changes at renewal: what is scheduled (removable), and a form → review with the price difference → scheduled. */
function ChangesAtRenewal({ subscription, props }: { subscription: Subscription; props: Props }) {
  const schedule = useGraphQLMutation(ScheduleDocument);
  const remove = useGraphQLMutation(RemoveScheduledDocument);
  const form = useReviewed();
  const [quantity, setQuantity] = useState<number | string>('');
  const [offerId, setOfferId] = useState<string | null>(null);
  const [term, setTerm] = useState<string | null>(null);
  const [billingCycle, setBillingCycle] = useState<string | null>(null);
  const scheduled = subscription.scheduledChange;
  const canSchedule = subscription.allowedActions.includes('SCHEDULE_CHANGE');
  const canRemove = subscription.allowedActions.includes('REMOVE_SCHEDULED_CHANGE');
  const offers = subscription.offer?.upgradeTargets ?? [];
  const nextOffer = offers.find((offer) => offer.id === offerId) ?? subscription.offer;
  const nextQuantity = quantity === '' ? subscription.quantity : Number(quantity);

  const send = async (dryRun: boolean) => {
    const variables = {
      id: subscription.id,
      quantity: quantity === '' ? null : Number(quantity),
      offerId,
      termMonths: term ? Number(term) : null,
      billingCycle,
      expectedVersion: subscription.version,
      dryRun,
      idempotencyKey: form.idempotencyKey,
    };
    const payload = (await schedule.mutateAsync(variables)).scheduleSubscriptionChange;
    if (!form.answered(payload, dryRun ? 'review' : 'closed') || dryRun) return;
    notifications.show({ color: 'green', message: 'Change scheduled for the renewal.' });
    form.close();
    props.onChanged();
  };
  const removeScheduled = async () => {
    const payload = (await remove.mutateAsync({ id: subscription.id, expectedVersion: subscription.version })).removeScheduledSubscriptionChange;
    if (!form.answered(payload, 'closed')) return;
    notifications.show({ color: 'green', message: 'Scheduled change removed.' });
    props.onChanged();
  };

  return (
    <Section id="changes-at-renewal" title="Changes at renewal">
      {scheduled ? (
        <Group justify="space-between">
          <Text size="sm">
            At the renewal on {formatDate(scheduled.effectiveDate)}: <strong>{describeScheduledChange(scheduled)}</strong>
          </Text>
          {canRemove && (
            <Button size="xs" variant="default" onClick={() => void removeScheduled()} loading={remove.isPending}>
              Remove scheduled change
            </Button>
          )}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          Nothing scheduled: the subscription renews on {formatDate(subscription.endDate)} as it is.
        </Text>
      )}
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && <FormErrors errors={form.errors} />}
      {form.step === 'closed' && canSchedule && (
        <Group>
          <Button variant="light" onClick={form.open}>
            {scheduled ? 'Schedule another change' : 'Schedule a change'}
          </Button>
        </Group>
      )}
      {form.step === 'editing' && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send(true);
          }}
        >
          <Stack gap="sm" maw={420}>
            <NumberInput
              label="Licences from the renewal"
              description={`Now ${subscription.quantity}; not below the ${subscription.assignedLicences} assigned`}
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              error={fieldError(form.errors, 'quantity')}
            />
            {offers.length > 0 && (
              <Select
                label="Offer from the renewal"
                placeholder={subscription.offer?.name}
                data={offers.map((offer) => ({ value: offer.id, label: offer.name }))}
                value={offerId}
                onChange={setOfferId}
                clearable
                error={fieldError(form.errors, 'offerId')}
              />
            )}
            <Select label="Term" placeholder={`${subscription.termMonths} months`} data={TERMS} value={term} onChange={setTerm} clearable error={fieldError(form.errors, 'termMonths')} />
            <Select
              label="Billing"
              placeholder={subscription.billingCycle ? BILLING_CYCLE[subscription.billingCycle as keyof typeof BILLING_CYCLE] : undefined}
              data={Object.entries(BILLING_CYCLE).map(([value, label]) => ({ value, label }))}
              value={billingCycle}
              onChange={setBillingCycle}
              clearable
              error={fieldError(form.errors, 'billingCycle')}
            />
            <FormErrors errors={form.errors} shownFields={['quantity', 'offerId', 'termMonths', 'billingCycle']} />
            <Group>
              <Button type="submit" loading={schedule.isPending}>
                Review
              </Button>
              <Button variant="default" onClick={form.close}>
                Back
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {form.step === 'review' && (
        <Alert color="blue" title="Review the change at renewal">
          <Stack gap="xs">
            <Text size="sm">
              From the renewal on {formatDate(subscription.endDate)}: {nextOffer?.name}, {licences(nextQuantity)}
              {term ? `, ${term} months` : ''}
              {billingCycle ? `, billed ${BILLING_CYCLE[billingCycle as keyof typeof BILLING_CYCLE].toLowerCase()}` : ''}.
            </Text>
            {subscription.offer && nextOffer && (
              <Text size="sm" fw={700}>
                Price difference: {priceDifference(subscription.offer.unitPrice * subscription.quantity, nextOffer.unitPrice * nextQuantity, nextOffer.currency)} a month
              </Text>
            )}
            <FormErrors errors={form.errors} />
            <Group>
              <Button onClick={() => void send(false)} loading={schedule.isPending}>
                Confirm change at renewal
              </Button>
              <Button variant="default" onClick={form.open}>
                Back
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Section>
  );
}
