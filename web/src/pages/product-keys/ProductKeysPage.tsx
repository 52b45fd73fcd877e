import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { graphql } from '../../__generated__';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from '../../components/errors';
import { useLabels } from '../../components/labels';
import { useCapabilities } from '../../components/Viewer';
import { CursorPager } from '../../components/CursorPager';
import { useGraphQLMutation, useGraphQLQuery, useCursorPages, useIdempotencyKey } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';

const PAGE_SIZE = 25;

const ProductKeysDocument = graphql(`
  query ProductKeys($after: String, $first: Int) {
    productKeys(after: $after, first: $first) {
      edges {
        node {
          id
          lastFive
          state
          seats
          termMonths
          orderedAt
          offer {
            id
            name
          }
          customer {
            id
            companyName
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

const KeyOffersDocument = graphql(`
  query ProductKeyOffers {
    offers(first: 100) {
      edges {
        node {
          id
          name
          minQuantity
          maxQuantity
          isTrial
          isAddOn
        }
      }
    }
  }
`);

const OrderProductKeysDocument = graphql(`
  mutation OrderProductKeys($offerId: ID!, $count: Int!, $seatsPerKey: Int, $termMonths: Int, $idempotencyKey: String) {
    orderProductKeys(
      offerId: $offerId
      count: $count
      seatsPerKey: $seatsPerKey
      termMonths: $termMonths
      idempotencyKey: $idempotencyKey
    ) {
      keys {
        key
        productKey {
          id
          lastFive
        }
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const RevokeProductKeyDocument = graphql(`
  mutation RevokeProductKey($id: ID!) {
    revokeProductKey(id: $id) {
      productKey {
        id
        state
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const KEY_STATE_COLOR = { AVAILABLE: 'green', REDEEMED: 'blue', REVOKED: 'gray' } as const;

/** Product keys (seed 003): the partner's keys, masked, and ordering new ones. */
export function ProductKeysPage() {
  const { t } = useI18n();
  const labels = useLabels();
  const { sellsProductKeys } = useCapabilities();
  const pages = useCursorPages();
  const [ordering, setOrdering] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; lastFive: string } | null>(null);
  const { data, error, isPending } = useGraphQLQuery(
    ProductKeysDocument,
    { after: pages.after, first: PAGE_SIZE },
    { enabled: sellsProductKeys },
  );

  if (!sellsProductKeys) {
    return (
      <Alert color="gray" title={t('common.notAvailable')}>
        {t('productKeys.productKeysNeedTheSubscription')}
      </Alert>
    );
  }
  const keys = data?.productKeys.edges.map((edge) => edge.node) ?? [];
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('common.productKeys')}
        </Title>
        <Group gap="xs">
          <Button variant="default" onClick={() => setOrdering(true)}>
            {t('productKeys.orderProductKeys')}
          </Button>
          <Button component={Link} to="/product-keys/redeem">
            {t('common.redeemProductKeys')}
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('productKeys.aKeyIsShownIn')}
      </Text>
      {isPending && <Loader aria-label={t('productKeys.loadingProductKeys')} />}
      {error && (
        <Alert color="red" title={t('productKeys.theProductKeysCouldNot')}>
          <ErrorMessage error={error} />
        </Alert>
      )}
      {data && keys.length === 0 && <Text>{t('productKeys.noProductKeysYetOrder')}</Text>}
      {keys.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label={t('common.productKeys')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('common.key')}</Table.Th>
                <Table.Th>{t('common.offer')}</Table.Th>
                <Table.Th>{t('common.seats')}</Table.Th>
                <Table.Th>{t('common.state')}</Table.Th>
                <Table.Th>{t('common.customer')}</Table.Th>
                <Table.Th>{t('productKeys.ordered')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>
                    <Code aria-label={t('productKeys.keyEnding', { lastFive: key.lastFive })} style={{ whiteSpace: 'nowrap' }}>
                      …{key.lastFive}
                    </Code>
                  </Table.Td>
                  <Table.Td>{key.offer?.name ?? t('productKeys.noLongerInYourCatalogue')}</Table.Td>
                  <Table.Td>{t('productKeys.forMonths', { seats: key.seats, months: key.termMonths })}</Table.Td>
                  <Table.Td>
                    <Badge color={KEY_STATE_COLOR[key.state]}>{t(`productKeys.state.${key.state}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {key.customer ? (
                      <Anchor component={Link} to={`/customers/${key.customer.id}`}>
                        {key.customer.companyName}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{labels.date(key.orderedAt)}</Table.Td>
                  <Table.Td>
                    {key.state === 'AVAILABLE' && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setRevoking(key)}
                        aria-label={t('productKeys.revokeKeyEnding', { lastFive: key.lastFive })}
                      >
                        {t('common.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CursorPager pages={pages} pageInfo={data?.productKeys.pageInfo} />
      {revoking && <RevokeKey productKey={revoking} onClose={() => setRevoking(null)} />}
      <OrderKeys opened={ordering} onClose={() => setOrdering(false)} onOrdered={pages.first} />
    </Stack>
  );
}

/** Withdraw an unused key that was lost or leaked: it can no longer be redeemed. */
function RevokeKey({ productKey, onClose }: { productKey: { id: string; lastFive: string }; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const revoke = useGraphQLMutation(RevokeProductKeyDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await revoke.mutateAsync({ id: productKey.id })).revokeProductKey;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('productKeys.revokeTheKeyEnding', { lastFive: productKey.lastFive })}>
      <Stack>
        <Text size="sm">{t('productKeys.aRevokedKeyCanNo')}</Text>
        <FormErrors errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => void submit()}>
            {t('productKeys.revokeKey')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Order keys of one offer; the full keys are shown once, to copy or download. */
function OrderKeys({ opened, onClose, onOrdered }: { opened: boolean; onClose: () => void; onOrdered: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const offersQuery = useGraphQLQuery(KeyOffersDocument, {}, { enabled: opened });
  // Keys create a new customer's subscription: paid base offers only, as the graph marks them.
  const offers = (offersQuery.data?.offers.edges ?? []).map((edge) => edge.node).filter((offer) => !offer.isTrial && !offer.isAddOn);
  const [offerId, setOfferId] = useState<string | null>(null);
  const [count, setCount] = useState<number | string>(1);
  const [seats, setSeats] = useState<number | string>('');
  const [termMonths, setTermMonths] = useState<string>('12');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [ordered, setOrdered] = useState<string[] | null>(null);
  // One key per opened form: a double submit orders once.
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const order = useGraphQLMutation(OrderProductKeysDocument);
  const offer = offers.find((candidate) => candidate.id === offerId);

  const close = () => {
    setOrdered(null);
    setErrors([]);
    renewIdempotencyKey();
    onClose();
  };
  const submit = async () => {
    if (!offerId) return;
    const payload = (
      await order.mutateAsync({
        offerId,
        count: Number(count),
        seatsPerKey: seats === '' ? null : Number(seats),
        termMonths: Number(termMonths),
        idempotencyKey,
      })
    ).orderProductKeys;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    setOrdered(payload.keys.flatMap((ordered) => (ordered.key ? [ordered.key] : [])));
    onOrdered();
    void queryClient.invalidateQueries();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={ordered ? t('productKeys.yourNewProductKeys') : t('productKeys.orderProductKeys')}
      closeOnClickOutside={!ordered}
      size="lg"
    >
      {ordered ? (
        <Stack>
          <Text size="sm">{t('productKeys.orderedOf', { count: ordered.length, offer: offer?.name ?? '' })}</Text>
          <Stack gap={4} aria-label={t('productKeys.orderedKeys')} role="list">
            {ordered.map((key) => (
              <Code key={key} role="listitem" fz="md">
                {key}
              </Code>
            ))}
          </Stack>
          <Alert color="yellow">{t('productKeys.theseKeysAreShownOnly')}</Alert>
          <Group justify="space-between">
            <Group gap="xs">
              <CopyButton value={ordered.join('\n')}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
                    {copied ? t('common.copied') : t('productKeys.copyKeys')}
                  </Button>
                )}
              </CopyButton>
              <Button variant="light" onClick={() => downloadKeys(ordered, offer?.name ?? '')}>
                {t('productKeys.downloadAsTextFile')}
              </Button>
            </Group>
            <Button onClick={close}>{t('productKeys.iHaveKeptThem')}</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <Select
              label={t('common.offer')}
              required
              searchable
              data={offers.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
              value={offerId}
              onChange={setOfferId}
              error={fieldError(errors, 'offerId')}
            />
            <NumberInput
              label={t('productKeys.numberOfKeys')}
              required
              min={1}
              max={100}
              allowDecimal={false}
              allowNegative={false}
              value={count}
              onChange={setCount}
              error={fieldError(errors, 'count')}
            />
            <NumberInput
              label={t('productKeys.seatsPerKey')}
              min={offer?.minQuantity}
              max={offer?.maxQuantity}
              allowDecimal={false}
              allowNegative={false}
              value={seats}
              onChange={setSeats}
              description={
                offer ? t('productKeys.betweenAndEmptyFor', { minQuantity: offer.minQuantity, maxQuantity: offer.maxQuantity }) : undefined
              }
              error={fieldError(errors, 'seatsPerKey')}
            />
            <Select
              label={t('productKeys.termOfEachKey')}
              required
              data={[...[1, 12, 24, 36].map((months) => ({ value: String(months), label: t('productKeys.months', { months }) }))]}
              value={termMonths}
              onChange={(value) => setTermMonths(value ?? '12')}
              allowDeselect={false}
              error={fieldError(errors, 'termMonths')}
            />
            <FormErrors errors={errors} shownFields={['offerId', 'count', 'seatsPerKey', 'termMonths']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={order.isPending} disabled={!offerId}>
                {t('productKeys.orderKeys')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** The keys as a text file, one per line, for the partner to keep (they are never shown again). */
export function downloadKeys(keys: string[], offerName: string): void {
  const blob = new Blob([`${offerName}\n${keys.join('\n')}\n`], { type: 'text/plain' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `product-keys-${new Date().toISOString().slice(0, 10)}.txt`;
  link.click();
  URL.revokeObjectURL(url);
}
