import { Alert, Button, Group, Modal, NumberInput, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from './errors';
import { useLabels } from './labels';
import { useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

const CustomerOffersDocument = graphql(`
  query CustomerOffers($country: String!) {
    offers(country: $country, first: 100) {
      edges {
        node {
          id
          name
          isTrial
          minQuantity
          maxQuantity
          unitPrice
          currency
          upgradeTargets {
            id
            name
          }
        }
      }
    }
  }
`);

const AddSubscriptionDocument = graphql(`
  mutation AddSubscription($customerId: ID!, $offerId: ID!, $quantity: Int!, $dryRun: Boolean!, $idempotencyKey: String) {
    addSubscription(customerId: $customerId, offerId: $offerId, quantity: $quantity, dryRun: $dryRun, idempotencyKey: $idempotencyKey) {
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

/**
 * Add a new subscription (seed 000): an offer the partner may sell in the customer's country,
 * the number of licences, then the confirmation (dryRun) before it is bought.
 */
export function AddSubscription({
  customer,
  opened,
  onClose,
}: {
  customer: { id: string; companyName: string; country: string };
  opened: boolean;
  onClose: () => void;
}) {
  const { t, rich, price } = useI18n();
  const labels = useLabels();
  const queryClient = useQueryClient();
  const offersQuery = useGraphQLQuery(CustomerOffersDocument, { country: customer.country }, { enabled: opened });
  const add = useGraphQLMutation(AddSubscriptionDocument);
  const [offerId, setOfferId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>(1);
  const [confirming, setConfirming] = useState<{ friendlyName: string; quantity: number } | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  // Trials go through trial invitations; the graph marks them.
  const offers = (offersQuery.data?.offers.edges ?? []).map((edge) => edge.node).filter((offer) => !offer.isTrial);
  const offer = offers.find((candidate) => candidate.id === offerId);

  const close = () => {
    setOfferId(null);
    setQuantity(1);
    setConfirming(null);
    setErrors([]);
    renewIdempotencyKey();
    onClose();
  };
  const send = async (dryRun: boolean) => {
    if (!offerId) return;
    const payload = (await add.mutateAsync({ customerId: customer.id, offerId, quantity: Number(quantity), dryRun, idempotencyKey }))
      .addSubscription;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return setConfirming(null);
    if (dryRun && payload.subscription)
      return setConfirming({ friendlyName: payload.subscription.friendlyName, quantity: payload.subscription.quantity });
    notifications.show({
      color: 'green',
      message: t('addSubscription.addedFor', { friendlyName: payload.subscription?.friendlyName ?? '', companyName: customer.companyName }),
    });
    void queryClient.invalidateQueries();
    close();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('addSubscription.addASubscriptionFor', { companyName: customer.companyName })}>
      {confirming ? (
        <Stack>
          <Alert color="blue" title={t('addSubscription.checkTheNumberOfLicences')}>
            {offer
              ? rich('addSubscription.confirmWithPrice', {
                  name: confirming.friendlyName,
                  licences: labels.licences(confirming.quantity),
                  price: price(confirming.quantity * offer.unitPrice, offer.currency),
                })
              : rich('addSubscription.confirm', { name: confirming.friendlyName, licences: labels.licences(confirming.quantity) })}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('common.back')}
            </Button>
            <Button onClick={() => void send(false)} loading={add.isPending}>
              {t('addSubscription.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send(true);
          }}
        >
          <Stack>
            <Select
              label={t('addSubscription.selectAnOffer')}
              required
              data={offers.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
              value={offerId}
              onChange={(value) => {
                setOfferId(value);
                const chosen = offers.find((candidate) => candidate.id === value);
                if (chosen) setQuantity(Math.max(chosen.minQuantity, Math.min(Number(quantity) || 1, chosen.maxQuantity)));
              }}
              description={t('addSubscription.onlyTheOffersYouMay')}
              error={fieldError(errors, 'offerId')}
              comboboxProps={{ withinPortal: true }}
            />
            <NumberInput
              label={t('addSubscription.numberOfLicences')}
              required
              min={offer?.minQuantity}
              max={offer?.maxQuantity}
              allowDecimal={false}
              allowNegative={false}
              value={quantity}
              onChange={setQuantity}
              description={
                offer ? t('addSubscription.betweenAnd', { minQuantity: offer.minQuantity, maxQuantity: offer.maxQuantity }) : undefined
              }
              error={fieldError(errors, 'quantity')}
            />
            {offer && offer.upgradeTargets.length > 0 && (
              <Text size="sm" c="dimmed">
                {t('addSubscription.upgradePath', { path: [offer.name, ...offer.upgradeTargets.map((target) => target.name)].join(' → ') })}
              </Text>
            )}
            {offersQuery.error && (
              <Text c="red">
                <ErrorMessage error={offersQuery.error} />
              </Text>
            )}
            <FormErrors errors={errors} shownFields={['offerId', 'quantity']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={add.isPending} disabled={!offerId}>
                {t('addSubscription.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
