import { Alert, Anchor, Badge, Button, Code, CopyButton, Group, Loader, Modal, NumberInput, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { graphql } from '../../__generated__';
import { fieldError, FormErrors, type PayloadError } from '../../components/errors';
import { formatDate } from '../../components/labels';
import { useCapabilities } from '../../components/Viewer';
import { useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';

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
    orderProductKeys(offerId: $offerId, count: $count, seatsPerKey: $seatsPerKey, termMonths: $termMonths, idempotencyKey: $idempotencyKey) {
      keys {
        key
        productKey {
          id
          lastFive
        }
      }
      errors {
        code
        message
        field
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
        code
        message
        field
      }
    }
  }
`);

export const KEY_STATE = { AVAILABLE: 'Available', REDEEMED: 'Redeemed', REVOKED: 'Revoked' } as const;
const KEY_STATE_COLOR = { AVAILABLE: 'green', REDEEMED: 'blue', REVOKED: 'gray' } as const;

/** Product keys (seed 003): the partner's keys, masked, and ordering new ones. */
export function ProductKeysPage() {
  const { sellsProductKeys } = useCapabilities();
  // Cursors of the pages seen, so "Previous page" goes back without a backwards cursor in the API.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [ordering, setOrdering] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; lastFive: string } | null>(null);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, isPending } = useGraphQLQuery(ProductKeysDocument, { after, first: PAGE_SIZE }, { enabled: sellsProductKeys });

  if (!sellsProductKeys) {
    return <Alert color="gray" title="Not available">Product keys need the subscription-advisor programme and full customer access.</Alert>;
  }
  const keys = data?.productKeys.edges.map((edge) => edge.node) ?? [];
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Product keys
        </Title>
        <Group gap="xs">
          <Button variant="default" onClick={() => setOrdering(true)}>
            Order product keys
          </Button>
          <Button component={Link} to="/product-keys/redeem">
            Redeem product keys
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        A key is shown in full only when it is ordered; afterwards only its last five characters.
      </Text>
      {isPending && <Loader aria-label="Loading product keys" />}
      {error && <Alert color="red" title="The product keys could not be loaded">{error.message}</Alert>}
      {data && keys.length === 0 && <Text>No product keys yet. Order keys to sell them to new customers or to renew subscriptions.</Text>}
      {keys.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="Product keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Th>Offer</Table.Th>
                <Table.Th>Seats</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Ordered</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>
                    <Code aria-label={`Key ending ${key.lastFive}`} style={{ whiteSpace: 'nowrap' }}>…{key.lastFive}</Code>
                  </Table.Td>
                  <Table.Td>{key.offer?.name ?? 'No longer in your catalogue'}</Table.Td>
                  <Table.Td>
                    {key.seats} for {key.termMonths} months
                  </Table.Td>
                  <Table.Td>
                    <Badge color={KEY_STATE_COLOR[key.state]}>{KEY_STATE[key.state]}</Badge>
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
                  <Table.Td>{formatDate(key.orderedAt)}</Table.Td>
                  <Table.Td>
                    {key.state === 'AVAILABLE' && (
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(key)} aria-label={`Revoke key ending ${key.lastFive}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(cursors.length > 1 || data?.productKeys.pageInfo.hasNextPage) && (
        <Group justify="space-between">
          <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </Button>
          <Text size="sm">Page {cursors.length}</Text>
          <Button
            variant="default"
            disabled={!data?.productKeys.pageInfo.hasNextPage}
            onClick={() => setCursors([...cursors, data?.productKeys.pageInfo.endCursor ?? null])}
          >
            Next page
          </Button>
        </Group>
      )}
      {revoking && <RevokeKey productKey={revoking} onClose={() => setRevoking(null)} />}
      <OrderKeys opened={ordering} onClose={() => setOrdering(false)} onOrdered={() => setCursors([null])} />
    </Stack>
  );
}

/** Withdraw an unused key that was lost or leaked: it can no longer be redeemed. */
function RevokeKey({ productKey, onClose }: { productKey: { id: string; lastFive: string }; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useGraphQLMutation(RevokeProductKeyDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await revoke.mutateAsync({ id: productKey.id })).revokeProductKey;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Revoke the key ending ${productKey.lastFive}?`}>
      <Stack>
        <Text size="sm">A revoked key can no longer be redeemed, by anyone. Revoke a key that was lost or given out by mistake.</Text>
        <FormErrors errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => void submit()}>
            Revoke key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Order keys of one offer; the full keys are shown once, to copy or download. */
function OrderKeys({ opened, onClose, onOrdered }: { opened: boolean; onClose: () => void; onOrdered: () => void }) {
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
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const order = useGraphQLMutation(OrderProductKeysDocument);
  const offer = offers.find((candidate) => candidate.id === offerId);

  const close = () => {
    setOrdered(null);
    setErrors([]);
    setIdempotencyKey(crypto.randomUUID());
    onClose();
  };
  const submit = async () => {
    if (!offerId) return;
    const payload = (
      await order.mutateAsync({ offerId, count: Number(count), seatsPerKey: seats === '' ? null : Number(seats), termMonths: Number(termMonths), idempotencyKey })
    ).orderProductKeys;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    setOrdered(payload.keys.flatMap((ordered) => (ordered.key ? [ordered.key] : [])));
    onOrdered();
    void queryClient.invalidateQueries();
  };

  return (
    <Modal opened={opened} onClose={close} title={ordered ? 'Your new product keys' : 'Order product keys'} closeOnClickOutside={!ordered} size="lg">
      {ordered ? (
        <Stack>
          <Text size="sm">
            {ordered.length} {ordered.length === 1 ? 'key' : 'keys'} of {offer?.name}:
          </Text>
          <Stack gap={4} aria-label="Ordered keys" role="list">
            {ordered.map((key) => (
              <Code key={key} role="listitem" fz="md">
                {key}
              </Code>
            ))}
          </Stack>
          <Alert color="yellow">These keys are shown only once. Copy or download them now: afterwards only their last five characters are shown.</Alert>
          <Group justify="space-between">
            <Group gap="xs">
              <CopyButton value={ordered.join('\n')}>
                {({ copied, copy }) => (
                  <Button variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
                    {copied ? 'Copied' : 'Copy keys'}
                  </Button>
                )}
              </CopyButton>
              <Button variant="light" onClick={() => downloadKeys(ordered, offer?.name ?? '')}>
                Download as text file
              </Button>
            </Group>
            <Button onClick={close}>I have kept them</Button>
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
              label="Offer"
              required
              searchable
              data={offers.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
              value={offerId}
              onChange={setOfferId}
              error={fieldError(errors, 'offerId')}
            />
            <NumberInput label="Number of keys" required min={1} max={100} allowDecimal={false} allowNegative={false} value={count} onChange={setCount} error={fieldError(errors, 'count')} />
            <NumberInput
              label="Seats per key"
              min={offer?.minQuantity}
              max={offer?.maxQuantity}
              allowDecimal={false}
              allowNegative={false}
              value={seats}
              onChange={setSeats}
              description={offer ? `Between ${offer.minQuantity} and ${offer.maxQuantity}; empty for ${offer.minQuantity}` : undefined}
              error={fieldError(errors, 'seatsPerKey')}
            />
            <Select
              label="Term of each key"
              required
              data={[
                { value: '1', label: '1 month' },
                { value: '12', label: '12 months' },
                { value: '24', label: '24 months' },
                { value: '36', label: '36 months' },
              ]}
              value={termMonths}
              onChange={(value) => setTermMonths(value ?? '12')}
              allowDeselect={false}
              error={fieldError(errors, 'termMonths')}
            />
            <FormErrors errors={errors} shownFields={['offerId', 'count', 'seatsPerKey', 'termMonths']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={order.isPending} disabled={!offerId}>
                Order keys
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
