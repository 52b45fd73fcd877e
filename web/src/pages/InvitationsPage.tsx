import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Loader, Modal, NumberInput, Paper, Select, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type { InvitationsPageQuery } from '../__generated__/graphql';
import { FormErrors, fieldError, type PayloadError } from '../components/errors';
import { formatDate, licences } from '../components/labels';
import { useCapabilities } from '../components/Viewer';
import { useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';

const TrialInvitationRowFragment = graphql(`
  fragment TrialInvitationRow on TrialInvitation {
    id
    url
    status
    acceptanceCount
    maxAcceptances
    includeDelegatedAdmin
    createdAt
    offer {
      id
      name
    }
  }
`);

const PurchaseOfferRowFragment = graphql(`
  fragment PurchaseOfferRow on PurchaseOffer {
    id
    url
    status
    acceptanceCount
    maxAcceptances
    includeDelegatedAdmin
    createdAt
    lines {
      quantity
      offer {
        id
        name
      }
    }
  }
`);

const InvitationsPageDocument = graphql(`
  query InvitationsPage {
    offers(first: 100) {
      edges {
        node {
          id
          name
          isTrial
          minQuantity
          maxQuantity
        }
      }
    }
    trialInvitations(first: 50) {
      edges {
        node {
          id
          ...TrialInvitationRow
        }
      }
    }
    purchaseOffers(first: 50) {
      edges {
        node {
          id
          ...PurchaseOfferRow
        }
      }
    }
  }
`);

const CreateTrialInvitationDocument = graphql(`
  mutation CreateTrialInvitation($offerId: ID!, $includeDelegatedAdmin: Boolean!, $maxAcceptances: Int, $idempotencyKey: String) {
    createTrialInvitation(offerId: $offerId, includeDelegatedAdmin: $includeDelegatedAdmin, maxAcceptances: $maxAcceptances, idempotencyKey: $idempotencyKey) {
      trialInvitation {
        id
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const CreatePurchaseOfferDocument = graphql(`
  mutation CreatePurchaseOffer($lines: [PurchaseOfferLineInput!]!, $includeDelegatedAdmin: Boolean!, $maxAcceptances: Int, $idempotencyKey: String) {
    createPurchaseOffer(lines: $lines, includeDelegatedAdmin: $includeDelegatedAdmin, maxAcceptances: $maxAcceptances, idempotencyKey: $idempotencyKey) {
      purchaseOffer {
        id
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const RevokeTrialInvitationDocument = graphql(`
  mutation RevokeTrialInvitation($id: ID!) {
    revokeTrialInvitation(id: $id) {
      trialInvitation {
        id
        status
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const RevokePurchaseOfferDocument = graphql(`
  mutation RevokePurchaseOffer($id: ID!) {
    revokePurchaseOffer(id: $id) {
      purchaseOffer {
        id
        status
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

type CatalogueOffer = InvitationsPageQuery['offers']['edges'][number]['node'];

/** Trial invitations and purchase offers (seed 001): create, copy the personal URL, follow acceptances, revoke. */
export function InvitationsPage() {
  const { sendsInvitations } = useCapabilities();
  const { data, error, isPending, refetch } = useGraphQLQuery(
    InvitationsPageDocument,
    {},
    // Customers accept at any time: each visit shows the current acceptance counts.
    { enabled: sendsInvitations, staleTime: 0 },
  );

  if (!sendsInvitations) {
    return (
      <Alert color="gray" title="Not available">
        Trial invitations and purchase offers are for subscription advisors with full or limited customer administration.
      </Alert>
    );
  }
  if (isPending) return <Loader aria-label="Loading invitations and offers" />;
  if (error || !data) return <Alert color="red" title="Cannot load invitations and offers">{error?.message}</Alert>;

  const offers = data.offers.edges.map((edge) => edge.node);
  return (
    <Stack maw={1100}>
      <Title order={2}>Invitations and offers</Title>
      <Text c="dimmed" size="sm">
        Each one has a personal URL that identifies you as their subscription advisor. Send it by e-mail or publish it on your website: any number of
        customers can accept it until you revoke it.
      </Text>
      <Tabs defaultValue="purchase" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="purchase">Purchase offers</Tabs.Tab>
          <Tabs.Tab value="trial">Trial invitations</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="purchase" pt="md">
          <Stack>
            <CreatePurchaseOffer offers={offers.filter((offer) => !offer.isTrial)} onCreated={() => void refetch()} />
            <PurchaseOfferList rows={data.purchaseOffers.edges.map((edge) => edge.node)} onChanged={() => void refetch()} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="trial" pt="md">
          <Stack>
            <CreateTrialInvitation offers={offers.filter((offer) => offer.isTrial)} onCreated={() => void refetch()} />
            <TrialInvitationList rows={data.trialInvitations.edges.map((edge) => edge.node)} onChanged={() => void refetch()} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** Offered only when the partner's programs allow it; the offer subgraph decides again. */
function DelegatedAdminOption(props: { checked: boolean; onChange: (checked: boolean) => void }) {
  const { invitesWithDelegatedAdmin } = useCapabilities();
  if (!invitesWithDelegatedAdmin) return null;
  return (
    <Checkbox
      label="Include delegated administration"
      description="Accepting also lets your organisation administer the customer's account (the customer can end it at any time)."
      checked={props.checked}
      onChange={(event) => props.onChange(event.currentTarget.checked)}
    />
  );
}

/** The partner's optional cap on a link's acceptances (empty: none). */
function AcceptanceCapInput(props: { value: number | null; onChange: (value: number | null) => void; errors: readonly PayloadError[] }) {
  return (
    <NumberInput
      label="Most acceptances (optional)"
      description="Leave empty for no cap; once reached, the link accepts no one else."
      min={1}
      max={100000}
      allowDecimal={false}
      value={props.value ?? ''}
      onChange={(value) => props.onChange(typeof value === 'number' ? value : null)}
      error={fieldError(props.errors, 'maxAcceptances')}
      maw={240}
    />
  );
}

function CreateTrialInvitation(props: { offers: CatalogueOffer[]; onCreated: () => void }) {
  const [offerId, setOfferId] = useState<string | null>(null);
  const [includeDelegatedAdmin, setIncludeDelegatedAdmin] = useState(false);
  const [maxAcceptances, setMaxAcceptances] = useState<number | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const create = useGraphQLMutation(CreateTrialInvitationDocument);

  const submit = async () => {
    if (!offerId) return;
    const result = await create.mutateAsync({ offerId, includeDelegatedAdmin, maxAcceptances, idempotencyKey: crypto.randomUUID() });
    setErrors(result.createTrialInvitation.errors);
    if (result.createTrialInvitation.trialInvitation) {
      notifications.show({ color: 'green', message: 'Trial invitation created: copy its URL below.' });
      setOfferId(null);
      setIncludeDelegatedAdmin(false);
      setMaxAcceptances(null);
      props.onCreated();
    }
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          New trial invitation
        </Title>
        <Text size="sm" c="dimmed">
          An invitation holds exactly one trial: 25 licences for the trial's length.
        </Text>
        <Select
          label="Trial offer"
          placeholder="Choose a trial"
          data={props.offers.map((offer) => ({ value: offer.id, label: offer.name }))}
          value={offerId}
          onChange={setOfferId}
          error={fieldError(errors, 'offerId')}
          maw={480}
        />
        <AcceptanceCapInput value={maxAcceptances} onChange={setMaxAcceptances} errors={errors} />
        <DelegatedAdminOption checked={includeDelegatedAdmin} onChange={setIncludeDelegatedAdmin} />
        <FormErrors errors={errors} shownFields={['offerId', 'maxAcceptances']} />
        {create.error && <Alert color="red">{create.error.message}</Alert>}
        <Group>
          <Button onClick={() => void submit()} disabled={!offerId} loading={create.isPending}>
            Create trial invitation
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

interface DraftLine {
  key: number;
  offerId: string | null;
  quantity: number;
}

function CreatePurchaseOffer(props: { offers: CatalogueOffer[]; onCreated: () => void }) {
  const [lines, setLines] = useState<DraftLine[]>([{ key: 0, offerId: null, quantity: 1 }]);
  const [includeDelegatedAdmin, setIncludeDelegatedAdmin] = useState(false);
  const [maxAcceptances, setMaxAcceptances] = useState<number | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const create = useGraphQLMutation(CreatePurchaseOfferDocument);
  const byId = new Map(props.offers.map((offer) => [offer.id, offer]));

  const update = (key: number, change: Partial<DraftLine>) => setLines((current) => current.map((line) => (line.key === key ? { ...line, ...change } : line)));
  const complete = lines.every((line) => line.offerId);

  const submit = async () => {
    const result = await create.mutateAsync({
      lines: lines.map((line) => ({ offerId: line.offerId!, quantity: line.quantity })),
      includeDelegatedAdmin,
      maxAcceptances,
      idempotencyKey: crypto.randomUUID(),
    });
    setErrors(result.createPurchaseOffer.errors);
    if (result.createPurchaseOffer.purchaseOffer) {
      notifications.show({ color: 'green', message: 'Purchase offer created: copy its URL below.' });
      setLines([{ key: Date.now(), offerId: null, quantity: 1 }]);
      setIncludeDelegatedAdmin(false);
      setMaxAcceptances(null);
      props.onCreated();
    }
  };

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          New purchase offer
        </Title>
        <Text size="sm" c="dimmed">
          Suggest a licence count for each offer; the customer may change it within the offer's limits when accepting.
        </Text>
        {lines.map((line, index) => {
          const offer = line.offerId ? byId.get(line.offerId) : undefined;
          return (
            <Group key={line.key} align="flex-start" wrap="wrap" gap="sm">
              <Select
                label={`Offer ${index + 1}`}
                placeholder="Choose an offer"
                searchable
                data={props.offers.map((o) => ({ value: o.id, label: o.name }))}
                value={line.offerId}
                onChange={(offerId) => {
                  const chosen = offerId ? byId.get(offerId) : undefined;
                  update(line.key, { offerId, quantity: chosen ? Math.max(chosen.minQuantity, Math.min(line.quantity, chosen.maxQuantity)) : line.quantity });
                }}
                error={fieldError(errors, `lines[${index}].offerId`)}
                w={{ base: '100%', sm: 360 }}
              />
              <NumberInput
                label={`Suggested licences, offer ${index + 1}`}
                description={offer ? `${offer.minQuantity} to ${offer.maxQuantity}` : undefined}
                min={offer?.minQuantity ?? 1}
                max={offer?.maxQuantity}
                allowDecimal={false}
                value={line.quantity}
                onChange={(value) => update(line.key, { quantity: typeof value === 'number' ? value : Number(value) || 0 })}
                error={fieldError(errors, `lines[${index}].quantity`)}
                w={{ base: '100%', sm: 200 }}
              />
              {lines.length > 1 && (
                <Button variant="subtle" color="red" mt={{ base: 0, sm: 24 }} onClick={() => setLines((current) => current.filter((l) => l.key !== line.key))}>
                  Remove offer {index + 1}
                </Button>
              )}
            </Group>
          );
        })}
        <Group>
          <Button variant="light" onClick={() => setLines((current) => [...current, { key: Date.now(), offerId: null, quantity: 1 }])}>
            Add another offer
          </Button>
        </Group>
        <AcceptanceCapInput value={maxAcceptances} onChange={setMaxAcceptances} errors={errors} />
        <DelegatedAdminOption checked={includeDelegatedAdmin} onChange={setIncludeDelegatedAdmin} />
        <FormErrors errors={errors} shownFields={['maxAcceptances', ...lines.flatMap((_line, index) => [`lines[${index}].offerId`, `lines[${index}].quantity`])]} />
        {create.error && <Alert color="red">{create.error.message}</Alert>}
        <Group>
          <Button onClick={() => void submit()} disabled={!complete} loading={create.isPending}>
            Create purchase offer
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The personal URL, with a copy button named after what it copies. */
function PersonalUrl({ url, name }: { url: string; name: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" mt={4}>
      <Code style={{ wordBreak: 'break-all' }} fz="xs">
        {url}
      </Code>
      <CopyButton value={url}>
        {({ copied, copy }) => (
          <Button size="compact-xs" style={{ flexShrink: 0 }} variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy} aria-label={`Copy the URL of ${name}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function StatusBadge({ status }: { status: 'ACTIVE' | 'REVOKED' }) {
  return <Badge color={status === 'ACTIVE' ? 'green' : 'gray'}>{status === 'ACTIVE' ? 'Active' : 'Revoked'}</Badge>;
}

/** Revoking is for good (the URL stops working for everyone), so it is confirmed first. */
/** When a link was made (and whether it includes delegated administration), and its personal URL. */
function LinkDetails({ row, name }: { row: { createdAt: string; includeDelegatedAdmin: boolean; url: string }; name: string }) {
  return (
    <>
      <Text size="xs" c="dimmed">
        {formatDate(row.createdAt)}
        {row.includeDelegatedAdmin ? ' · with delegated administration' : ''}
      </Text>
      <PersonalUrl url={row.url} name={name} />
    </>
  );
}

/** A link's "Accepted" and "Status" cells, with the revoke action while it is active. */
function LinkStatusCells(props: { row: { acceptanceCount: number; maxAcceptances?: number | null; status: 'ACTIVE' | 'REVOKED' }; name: string; onChanged: () => void; revoke: () => Promise<readonly PayloadError[]> }) {
  return (
    <>
      <Table.Td>{props.row.maxAcceptances == null ? props.row.acceptanceCount : `${props.row.acceptanceCount} / ${props.row.maxAcceptances}`}</Table.Td>
      <Table.Td miw={96}>
        <StatusBadge status={props.row.status} />
        {props.row.status === 'ACTIVE' && <RevokeButton name={props.name} onChanged={props.onChanged} revoke={props.revoke} />}
      </Table.Td>
    </>
  );
}

function RevokeButton(props: { name: string; revoke: () => Promise<readonly PayloadError[]>; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const revoke = async () => {
    setPending(true);
    try {
      const errors = await props.revoke();
      if (errors.length > 0) notifications.show({ color: 'red', message: errors[0]!.message });
      else notifications.show({ color: 'green', message: `Revoked ${props.name}.` });
      props.onChanged();
    } finally {
      setPending(false);
      setConfirming(false);
    }
  };
  return (
    <>
      <Button size="compact-sm" variant="subtle" color="red" display="block" mt={4} px={0} aria-label={`Revoke ${props.name}`} onClick={() => setConfirming(true)}>
        Revoke
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Revoke this URL?">
        <Stack>
          <Text size="sm">Revoke {props.name}? Its URL stops working for everyone; customers who already accepted keep their accounts.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red" loading={pending} onClick={() => void revoke()}>
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function PurchaseOfferList(props: { rows: FragmentType<typeof PurchaseOfferRowFragment>[]; onChanged: () => void }) {
  const rows = props.rows.map((row) => getFragmentData(PurchaseOfferRowFragment, row));
  const revoke = useGraphQLMutation(RevokePurchaseOfferDocument);
  if (rows.length === 0) return <Text c="dimmed">No purchase offer yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table aria-label="Purchase offers" verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Offers and personal URL</Table.Th>
            <Table.Th>Accepted</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const name = `the purchase offer of ${formatDate(row.createdAt)} (${row.lines.map((line) => line.offer?.name ?? 'an offer no longer sold').join(', ')})`;
            return (
              <Table.Tr key={row.id}>
                <Table.Td>
                  {row.lines.map((line, index) => (
                    <Text size="sm" key={index}>
                      {line.offer?.name ?? 'An offer you may no longer sell'} · {licences(line.quantity)}
                    </Text>
                  ))}
                  <LinkDetails row={row} name={name} />
                </Table.Td>
                <LinkStatusCells row={row} name={name} onChanged={props.onChanged} revoke={async () => (await revoke.mutateAsync({ id: row.id })).revokePurchaseOffer.errors} />
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function TrialInvitationList(props: { rows: FragmentType<typeof TrialInvitationRowFragment>[]; onChanged: () => void }) {
  const rows = props.rows.map((row) => getFragmentData(TrialInvitationRowFragment, row));
  const revoke = useGraphQLMutation(RevokeTrialInvitationDocument);
  if (rows.length === 0) return <Text c="dimmed">No trial invitation yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table aria-label="Trial invitations" verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Trial and personal URL</Table.Th>
            <Table.Th>Accepted</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const name = `the trial invitation of ${formatDate(row.createdAt)} (${row.offer?.name ?? 'a trial no longer offered'})`;
            return (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <Text size="sm">{row.offer?.name ?? 'A trial you may no longer offer'}</Text>
                  <LinkDetails row={row} name={name} />
                </Table.Td>
                <LinkStatusCells row={row} name={name} onChanged={props.onChanged} revoke={async () => (await revoke.mutateAsync({ id: row.id })).revokeTrialInvitation.errors} />
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
