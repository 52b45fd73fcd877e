import { Alert, Button, Group, NumberInput, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import { fieldError, FormErrors, VersionConflict, type PayloadError, payloadErrors, type PayloadErrorRefs } from './errors';
import { useLabels } from './labels';
import { useGraphQLMutation, useIdempotencyKey } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

/**
 * The partner's weekly work on a subscription it sold: upgrade, trial conversion,
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
  mutation UpgradeSubscription(
    $id: ID!
    $targetOfferId: ID!
    $quantity: Int!
    $expectedVersion: Int!
    $dryRun: Boolean!
    $idempotencyKey: String
  ) {
    upgradeSubscription(
      id: $id
      targetOfferId: $targetOfferId
      quantity: $quantity
      expectedVersion: $expectedVersion
      dryRun: $dryRun
      idempotencyKey: $idempotencyKey
    ) {
      dryRun
      errors {
        ...PayloadErrorFields
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
    convertTrialSubscription(
      id: $id
      quantity: $quantity
      expectedVersion: $expectedVersion
      dryRun: $dryRun
      idempotencyKey: $idempotencyKey
    ) {
      dryRun
      errors {
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
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
      renewIdempotencyKey();
    },
    /** Keeps the payload's errors; true when there were none. */
    answered: (payload: { errors: PayloadErrorRefs }, next: Step) => {
      setErrors(payloadErrors(payload.errors));
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

/** A form's buttons: review (the dryRun) or back. */
function ReviewOrBack({ loading, disabled, onBack }: { loading: boolean; disabled?: boolean; onBack: () => void }) {
  const { t } = useI18n();
  return (
    <Group>
      <Button type="submit" loading={loading} disabled={disabled}>
        {t('common.review')}
      </Button>
      <Button variant="default" onClick={onBack}>
        {t('common.back')}
      </Button>
    </Group>
  );
}

/** A review's end: the payload's errors, then the change itself or back to the form. */
function ConfirmOrBack(props: {
  errors: readonly PayloadError[];
  confirm: string;
  onConfirm: () => void;
  confirming: boolean;
  onBack: () => void;
  back?: string;
  color?: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <FormErrors errors={props.errors} />
      <Group>
        <Button color={props.color} onClick={props.onConfirm} loading={props.confirming}>
          {props.confirm}
        </Button>
        <Button variant="default" onClick={props.onBack}>
          {props.back ?? t('common.back')}
        </Button>
      </Group>
    </>
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
  const { t, rich } = useI18n();
  const { licences, monthlyPrice, priceDifference } = useLabels();
  const navigate = useNavigate();
  const mutation = useGraphQLMutation(UpgradeDocument);
  const form = useReviewed();
  const targets = subscription.offer?.upgradeTargets ?? [];
  const [targetId, setTargetId] = useState<string | null>(targets[0]?.id ?? null);
  const [quantity, setQuantity] = useState<number | string>(subscription.quantity);
  const target = targets.find((offer) => offer.id === targetId);

  const send = async (dryRun: boolean) => {
    if (!targetId) return;
    const variables = {
      id: subscription.id,
      targetOfferId: targetId,
      quantity: Number(quantity),
      expectedVersion: subscription.version,
      dryRun,
      idempotencyKey: form.idempotencyKey,
    };
    const payload = (await mutation.mutateAsync(variables)).upgradeSubscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed') || dryRun || !payload.subscription) return;
    notifications.show({ color: 'green', message: t('subscriptionChanges.upgraded', { name: payload.subscription.friendlyName }) });
    form.close();
    props.onChanged();
    void navigate(`/subscriptions/${payload.subscription.id}`);
  };

  return (
    <Section id="upgrade" title={t('subscriptionChanges.upgrade')}>
      <Text size="sm" c="dimmed">
        {t('subscriptionChanges.upgradePaths', { path: [subscription.offer?.name, ...targets.map((offer) => offer.name)].join(' → ') })}
      </Text>
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && (
        <Group>
          <Button variant="light" onClick={form.open}>
            {t('subscriptionChanges.upgradeSubscription')}
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
              label={t('subscriptionChanges.newOffer')}
              data={targets.map((offer) => ({
                value: offer.id,
                label: t('subscriptionChanges.offerPerLicence', {
                  name: offer.name,
                  price: monthlyPrice(offer.unitPrice, 1, offer.currency),
                }),
              }))}
              value={targetId}
              onChange={setTargetId}
              allowDeselect={false}
              required
              error={fieldError(form.errors, 'targetOfferId')}
            />
            <NumberInput
              label={t('common.licences')}
              description={
                target
                  ? t('subscriptionChanges.between', {
                      min: Math.max(target.minQuantity, subscription.assignedLicences),
                      max: target.maxQuantity,
                    })
                  : undefined
              }
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              required
              error={fieldError(form.errors, 'quantity')}
            />
            <FormErrors errors={form.errors} shownFields={['targetOfferId', 'quantity']} />
            <ReviewOrBack loading={mutation.isPending} disabled={!targetId || quantity === ''} onBack={form.close} />
          </Stack>
        </form>
      )}
      {form.step === 'review' && target && subscription.offer && (
        <Alert color="blue" title={t('subscriptionChanges.reviewTheUpgrade')}>
          <Stack gap="xs">
            <Text size="sm">
              {rich('subscriptionChanges.upgradeReview', {
                from: subscription.offer.name,
                fromLicences: licences(subscription.quantity),
                fromPrice: monthlyPrice(subscription.offer.unitPrice, subscription.quantity, subscription.offer.currency),
                to: target.name,
                toLicences: licences(Number(quantity)),
                toPrice: monthlyPrice(target.unitPrice, Number(quantity), target.currency),
              })}
            </Text>
            <Text size="sm" fw={700}>
              {t('subscriptionChanges.priceDifference', {
                difference: priceDifference(
                  subscription.offer.unitPrice * subscription.quantity,
                  target.unitPrice * Number(quantity),
                  target.currency,
                ),
              })}
            </Text>
            <Text size="sm">
              {subscription.assignedLicences > 0
                ? t('subscriptionChanges.upgradeNewSubscriptionAssigned', { licences: licences(subscription.assignedLicences) })
                : t('subscriptionChanges.upgradeNewSubscription')}
            </Text>
            <ConfirmOrBack
              errors={form.errors}
              confirm={t('subscriptionChanges.confirmUpgrade')}
              onConfirm={() => void send(false)}
              confirming={mutation.isPending}
              onBack={form.open}
            />
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

/** Trial conversion: the seats (25 by default) → review with the paid offer's price → paid. */
function ConvertTrial({ subscription, props }: { subscription: Subscription; props: Props }) {
  const { t, rich } = useI18n();
  const { licences, monthlyPrice, date } = useLabels();
  const mutation = useGraphQLMutation(ConvertTrialDocument);
  const form = useReviewed();
  const [quantity, setQuantity] = useState<number | string>(subscription.quantity);
  const [endDate, setEndDate] = useState<string | null>(null);
  const paid = subscription.offer?.convertsTo;

  const send = async (dryRun: boolean) => {
    const variables = {
      id: subscription.id,
      quantity: Number(quantity),
      expectedVersion: subscription.version,
      dryRun,
      idempotencyKey: form.idempotencyKey,
    };
    const payload = (await mutation.mutateAsync(variables)).convertTrialSubscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed')) return;
    if (dryRun) return setEndDate(payload.subscription?.endDate ?? null);
    notifications.show({
      color: 'green',
      message: t('subscriptionChanges.trialConverted', { name: payload.subscription?.friendlyName ?? '' }),
    });
    form.close();
    props.onChanged();
  };

  return (
    <Section id="convert-trial" title={t('subscriptionChanges.convertTheTrial')}>
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && (
        <Group>
          <Button variant="light" onClick={form.open}>
            {paid ? t('subscriptionChanges.convertTo', { name: paid.name }) : t('subscriptionChanges.convertToThePaidOffer')}
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
              label={t('common.licences')}
              description={paid ? t('subscriptionChanges.between', { min: paid.minQuantity, max: paid.maxQuantity }) : undefined}
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              required
              error={fieldError(form.errors, 'quantity')}
            />
            <FormErrors errors={form.errors} shownFields={['quantity']} />
            <ReviewOrBack loading={mutation.isPending} disabled={quantity === ''} onBack={form.close} />
          </Stack>
        </form>
      )}
      {form.step === 'review' && (
        <Alert color="blue" title={t('subscriptionChanges.reviewTheConversion')}>
          <Stack gap="xs">
            <Text size="sm">
              {rich('subscriptionChanges.conversionReview', {
                name: paid?.name ?? '',
                licences: licences(Number(quantity)),
                price: paid ? monthlyPrice(paid.unitPrice, Number(quantity), paid.currency) : 'none',
                endDate: endDate ? date(endDate) : 'none',
              })}
            </Text>
            <ConfirmOrBack
              errors={form.errors}
              confirm={t('subscriptionChanges.confirmConversion')}
              onConfirm={() => void send(false)}
              confirming={mutation.isPending}
              onBack={form.open}
            />
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

/** Cancellation within the window: review with the refund → CANCELLED. */
function Cancel({ subscription, props }: { subscription: Subscription; props: Props }) {
  const { t, price } = useI18n();
  const { licences } = useLabels();
  const mutation = useGraphQLMutation(CancelDocument);
  const form = useReviewed();
  const [refund, setRefund] = useState<string | null>(null);

  const send = async (dryRun: boolean) => {
    const payload = (
      await mutation.mutateAsync({
        id: subscription.id,
        expectedVersion: subscription.version,
        dryRun,
        idempotencyKey: form.idempotencyKey,
      })
    ).cancelSubscription;
    const answer = payload.subscription;
    if (!form.answered(payload, dryRun ? 'review' : 'closed')) return;
    const refunded = answer?.refundAmount != null && answer.refundCurrency ? price(answer.refundAmount, answer.refundCurrency) : null;
    if (dryRun) return setRefund(refunded);
    notifications.show({ color: 'green', message: t('subscriptionChanges.cancelled', { refund: refunded ?? '—' }) });
    form.close();
    props.onChanged();
  };

  return (
    <Section id="cancel-subscription" title={t('subscriptionChanges.cancellation')}>
      <Text size="sm" c="dimmed">
        {t('subscriptionChanges.cancellationWindow')}
      </Text>
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      <FormErrors errors={form.step === 'closed' ? form.errors : []} />
      {form.step !== 'review' && (
        <Group>
          <Button color="red" variant="light" onClick={() => void send(true)} loading={mutation.isPending}>
            {t('subscriptionChanges.cancelSubscription')}
          </Button>
        </Group>
      )}
      {form.step === 'review' && (
        <Alert color="red" title={t('subscriptionChanges.reviewTheCancellation')}>
          <Stack gap="xs">
            <Text size="sm">
              {subscription.assignedLicences > 0
                ? t('subscriptionChanges.cancellationReviewAssigned', { licences: licences(subscription.assignedLicences) })
                : t('subscriptionChanges.cancellationReview')}
            </Text>
            <Text size="sm" fw={700}>
              {t('subscriptionChanges.refund', { refund: refund ?? '—' })}
            </Text>
            <ConfirmOrBack
              errors={form.errors}
              confirm={t('subscriptionChanges.confirmCancellation')}
              onConfirm={() => void send(false)}
              confirming={mutation.isPending}
              onBack={form.close}
              back={t('subscriptionChanges.keepTheSubscription')}
              color="red"
            />
          </Stack>
        </Alert>
      )}
    </Section>
  );
}

const TERMS = ['1', '12', '36'];

/** Changes at renewal: what is scheduled (removable), and a form → review with the price difference → scheduled. */
function ChangesAtRenewal({ subscription, props }: { subscription: Subscription; props: Props }) {
  const { t, rich } = useI18n();
  const labels = useLabels();
  const { date } = labels;
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
    notifications.show({ color: 'green', message: t('subscriptionChanges.changeScheduled') });
    form.close();
    props.onChanged();
  };
  const removeScheduled = async () => {
    const payload = (await remove.mutateAsync({ id: subscription.id, expectedVersion: subscription.version }))
      .removeScheduledSubscriptionChange;
    if (!form.answered(payload, 'closed')) return;
    notifications.show({ color: 'green', message: t('subscriptionChanges.scheduledChangeRemoved') });
    props.onChanged();
  };

  return (
    <Section id="changes-at-renewal" title={t('subscriptionChanges.changesAtRenewal')}>
      {scheduled ? (
        <Group justify="space-between">
          <Text size="sm">
            {rich('subscriptionChanges.atTheRenewalOn', { date: date(scheduled.effectiveDate), change: labels.scheduledChange(scheduled) })}
          </Text>
          {canRemove && (
            <Button size="xs" variant="default" onClick={() => void removeScheduled()} loading={remove.isPending}>
              {t('subscriptionChanges.removeScheduledChange')}
            </Button>
          )}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          {t('subscriptionChanges.nothingScheduled', { date: date(subscription.endDate) })}
        </Text>
      )}
      <Conflict errors={form.errors} props={props} onReset={form.close} />
      {form.step === 'closed' && <FormErrors errors={form.errors} />}
      {form.step === 'closed' && canSchedule && (
        <Group>
          <Button variant="light" onClick={form.open}>
            {scheduled ? t('subscriptionChanges.scheduleAnotherChange') : t('subscriptionChanges.scheduleAChange')}
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
              label={t('subscriptionChanges.licencesFromTheRenewal')}
              description={t('subscriptionChanges.nowNotBelowAssigned', {
                quantity: subscription.quantity,
                assigned: subscription.assignedLicences,
              })}
              value={quantity}
              onChange={setQuantity}
              allowDecimal={false}
              allowNegative={false}
              error={fieldError(form.errors, 'quantity')}
            />
            {offers.length > 0 && (
              <Select
                label={t('subscriptionChanges.offerFromTheRenewal')}
                placeholder={subscription.offer?.name}
                data={offers.map((offer) => ({ value: offer.id, label: offer.name }))}
                value={offerId}
                onChange={setOfferId}
                clearable
                error={fieldError(form.errors, 'offerId')}
              />
            )}
            <Select
              label={t('subscription.term')}
              placeholder={t('subscription.termMonths', { months: subscription.termMonths })}
              data={TERMS.map((months) => ({ value: months, label: t('subscription.termMonths', { months: Number(months) }) }))}
              value={term}
              onChange={setTerm}
              clearable
              error={fieldError(form.errors, 'termMonths')}
            />
            <Select
              label={t('subscriptionChanges.billing')}
              placeholder={subscription.billingCycle ? labels.billingCycle[subscription.billingCycle] : undefined}
              data={Object.entries(labels.billingCycle).map(([value, label]) => ({ value, label }))}
              value={billingCycle}
              onChange={setBillingCycle}
              clearable
              error={fieldError(form.errors, 'billingCycle')}
            />
            <FormErrors errors={form.errors} shownFields={['quantity', 'offerId', 'termMonths', 'billingCycle']} />
            <ReviewOrBack loading={schedule.isPending} onBack={form.close} />
          </Stack>
        </form>
      )}
      {form.step === 'review' && (
        <ScheduledChangeReview
          subscription={subscription}
          next={{ offer: nextOffer, quantity: nextQuantity, termMonths: term ? Number(term) : null, billingCycle }}
          errors={form.errors}
          confirming={schedule.isPending}
          onConfirm={() => void send(false)}
          onBack={form.open}
        />
      )}
    </Section>
  );
}

/** What the dry run of a change at renewal answered: the change from the renewal date and its price difference. */
function ScheduledChangeReview(props: {
  subscription: Subscription;
  next: {
    offer?: { name: string; unitPrice: number; currency: string } | null;
    quantity: number;
    termMonths: number | null;
    billingCycle: string | null;
  };
  errors: readonly PayloadError[];
  confirming: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const { date, priceDifference } = labels;
  const { subscription, next } = props;
  return (
    <Alert color="blue" title={t('subscriptionChanges.reviewTheChangeAtRenewal')}>
      <Stack gap="xs">
        <Text size="sm">
          {t('subscriptionChanges.fromTheRenewalOn', {
            date: date(subscription.endDate),
            change: labels.scheduledChange(next),
          })}
        </Text>
        {subscription.offer && next.offer && (
          <Text size="sm" fw={700}>
            {t('subscriptionChanges.priceDifference', {
              difference: priceDifference(
                subscription.offer.unitPrice * subscription.quantity,
                next.offer.unitPrice * next.quantity,
                next.offer.currency,
              ),
            })}
          </Text>
        )}
        <ConfirmOrBack
          errors={props.errors}
          confirm={t('subscriptionChanges.confirmChangeAtRenewal')}
          onConfirm={props.onConfirm}
          confirming={props.confirming}
          onBack={props.onBack}
        />
      </Stack>
    </Alert>
  );
}
