import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type { InvitationsPageQuery } from '../__generated__/graphql';
import { CursorPager } from '../components/CursorPager';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, useErrorMessage, payloadErrors } from '../components/errors';
import { useLabels } from '../components/labels';
import { useCapabilities } from '../components/Viewer';
import { useCursorPages, useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

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
  query InvitationsPage($first: Int!, $trialAfter: String, $purchaseAfter: String) {
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
    trialInvitations(first: $first, after: $trialAfter) {
      edges {
        node {
          id
          ...TrialInvitationRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    purchaseOffers(first: $first, after: $purchaseAfter) {
      edges {
        node {
          id
          ...PurchaseOfferRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CreateTrialInvitationDocument = graphql(`
  mutation CreateTrialInvitation($offerId: ID!, $includeDelegatedAdmin: Boolean!, $maxAcceptances: Int, $idempotencyKey: String) {
    createTrialInvitation(
      offerId: $offerId
      includeDelegatedAdmin: $includeDelegatedAdmin
      maxAcceptances: $maxAcceptances
      idempotencyKey: $idempotencyKey
    ) {
      trialInvitation {
        id
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const CreatePurchaseOfferDocument = graphql(`
  mutation CreatePurchaseOffer(
    $lines: [PurchaseOfferLineInput!]!
    $includeDelegatedAdmin: Boolean!
    $maxAcceptances: Int
    $idempotencyKey: String
  ) {
    createPurchaseOffer(
      lines: $lines
      includeDelegatedAdmin: $includeDelegatedAdmin
      maxAcceptances: $maxAcceptances
      idempotencyKey: $idempotencyKey
    ) {
      purchaseOffer {
        id
      }
      errors {
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
      }
    }
  }
`);

const PAGE_SIZE = 20;

type CatalogueOffer = InvitationsPageQuery['offers']['edges'][number]['node'];

/** Trial invitations and purchase offers (seed 001): create, copy the personal URL, follow acceptances, revoke. */
export function InvitationsPage() {
  const { t } = useI18n();
  const { sendsInvitations } = useCapabilities();
  // Each list is paged on its own, newest first: lists that grow are paged.
  const purchasePages = useCursorPages();
  const trialPages = useCursorPages();
  const { data, error, isPending, refetch } = useGraphQLQuery(
    InvitationsPageDocument,
    { first: PAGE_SIZE, purchaseAfter: purchasePages.after, trialAfter: trialPages.after },
    // Customers accept at any time: each visit shows the current acceptance counts.
    { enabled: sendsInvitations, staleTime: 0, placeholderData: keepPreviousData },
  );
  // A new one is the newest: the first page shows it.
  const created = (pages: ReturnType<typeof useCursorPages>) => () => {
    if (pages.page > 1) pages.first();
    else void refetch();
  };

  if (!sendsInvitations) {
    return (
      <Alert color="gray" title={t('common.notAvailable')}>
        {t('invitations.trialInvitationsAndPurchaseOffers')}
      </Alert>
    );
  }
  if (isPending) return <Loader aria-label={t('invitations.loadingInvitationsAndOffers')} />;
  if (error || !data)
    return (
      <Alert color="red" title={t('invitations.cannotLoadInvitationsAndOffers')}>
        {error && <ErrorMessage error={error} />}
      </Alert>
    );

  const offers = data.offers.edges.map((edge) => edge.node);
  return (
    <Stack maw={1100}>
      <Title order={2}>{t('common.invitationsAndOffers')}</Title>
      <Text c="dimmed" size="sm">
        {t('invitations.eachOneHasAPersonal')}
      </Text>
      <Tabs defaultValue="purchase" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="purchase">{t('invitations.purchaseOffers')}</Tabs.Tab>
          <Tabs.Tab value="trial">{t('invitations.trialInvitations')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="purchase" pt="md">
          <Stack>
            <CreatePurchaseOffer offers={offers.filter((offer) => !offer.isTrial)} onCreated={created(purchasePages)} />
            <PurchaseOfferList rows={data.purchaseOffers.edges.map((edge) => edge.node)} onChanged={() => void refetch()} />
            <CursorPager pages={purchasePages} pageInfo={data.purchaseOffers.pageInfo} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="trial" pt="md">
          <Stack>
            <CreateTrialInvitation offers={offers.filter((offer) => offer.isTrial)} onCreated={created(trialPages)} />
            <TrialInvitationList rows={data.trialInvitations.edges.map((edge) => edge.node)} onChanged={() => void refetch()} />
            <CursorPager pages={trialPages} pageInfo={data.trialInvitations.pageInfo} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** Offered only when the partner's programs allow it; the offer subgraph decides again. */
function DelegatedAdminOption(props: { checked: boolean; onChange: (checked: boolean) => void }) {
  const { t } = useI18n();
  const { invitesWithDelegatedAdmin } = useCapabilities();
  if (!invitesWithDelegatedAdmin) return null;
  return (
    <Checkbox
      label={t('invitations.includeDelegatedAdministration')}
      description={t('invitations.acceptingAlsoLetsYourOrganisation')}
      checked={props.checked}
      onChange={(event) => props.onChange(event.currentTarget.checked)}
    />
  );
}

/** The partner's optional cap on a link's acceptances (empty: none). */
function AcceptanceCapInput(props: { value: number | null; onChange: (value: number | null) => void; errors: readonly PayloadError[] }) {
  const { t } = useI18n();
  return (
    <NumberInput
      label={t('invitations.mostAcceptancesOptional')}
      description={t('invitations.leaveEmptyForNoCap')}
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
  const { t } = useI18n();
  const [offerId, setOfferId] = useState<string | null>(null);
  const [includeDelegatedAdmin, setIncludeDelegatedAdmin] = useState(false);
  const [maxAcceptances, setMaxAcceptances] = useState<number | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const create = useGraphQLMutation(CreateTrialInvitationDocument);
  // Each submission is its own attempt: a refused one is corrected and sent under a new key.
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();

  const submit = async () => {
    if (!offerId) return;
    const result = await create.mutateAsync({ offerId, includeDelegatedAdmin, maxAcceptances, idempotencyKey });
    renewIdempotencyKey();
    setErrors(payloadErrors(result.createTrialInvitation.errors));
    if (result.createTrialInvitation.trialInvitation) {
      notifications.show({ color: 'green', message: t('invitations.trialInvitationCreatedCopyIts') });
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
          {t('invitations.newTrialInvitation')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('invitations.anInvitationHoldsExactlyOne')}
        </Text>
        <Select
          label={t('invitations.trialOffer')}
          placeholder={t('invitations.chooseATrial')}
          data={props.offers.map((offer) => ({ value: offer.id, label: offer.name }))}
          value={offerId}
          onChange={setOfferId}
          error={fieldError(errors, 'offerId')}
          maw={480}
        />
        <AcceptanceCapInput value={maxAcceptances} onChange={setMaxAcceptances} errors={errors} />
        <DelegatedAdminOption checked={includeDelegatedAdmin} onChange={setIncludeDelegatedAdmin} />
        <FormErrors errors={errors} shownFields={['offerId', 'maxAcceptances']} />
        {create.error && (
          <Alert color="red">
            <ErrorMessage error={create.error} />
          </Alert>
        )}
        <Group>
          <Button onClick={() => void submit()} disabled={!offerId} loading={create.isPending}>
            {t('invitations.createTrialInvitation')}
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
  const { t } = useI18n();
  const [lines, setLines] = useState<DraftLine[]>([{ key: 0, offerId: null, quantity: 1 }]);
  const [includeDelegatedAdmin, setIncludeDelegatedAdmin] = useState(false);
  const [maxAcceptances, setMaxAcceptances] = useState<number | null>(null);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const create = useGraphQLMutation(CreatePurchaseOfferDocument);
  // Each submission is its own attempt: a refused one is corrected and sent under a new key.
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const byId = new Map(props.offers.map((offer) => [offer.id, offer]));

  const update = (key: number, change: Partial<DraftLine>) =>
    setLines((current) => current.map((line) => (line.key === key ? { ...line, ...change } : line)));
  const complete = lines.every((line) => line.offerId);

  const submit = async () => {
    const result = await create.mutateAsync({
      lines: lines.map((line) => ({ offerId: line.offerId!, quantity: line.quantity })),
      includeDelegatedAdmin,
      maxAcceptances,
      idempotencyKey,
    });
    renewIdempotencyKey();
    setErrors(payloadErrors(result.createPurchaseOffer.errors));
    if (result.createPurchaseOffer.purchaseOffer) {
      notifications.show({ color: 'green', message: t('invitations.purchaseOfferCreatedCopyIts') });
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
          {t('invitations.newPurchaseOffer')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('invitations.suggestALicenceCountFor')}
        </Text>
        {lines.map((line, index) => {
          const offer = line.offerId ? byId.get(line.offerId) : undefined;
          return (
            <Group key={line.key} align="flex-start" wrap="wrap" gap="sm">
              <Select
                label={t('invitations.offer', { number: index + 1 })}
                placeholder={t('invitations.chooseAnOffer')}
                searchable
                data={props.offers.map((o) => ({ value: o.id, label: o.name }))}
                value={line.offerId}
                onChange={(offerId) => {
                  const chosen = offerId ? byId.get(offerId) : undefined;
                  update(line.key, {
                    offerId,
                    quantity: chosen ? Math.max(chosen.minQuantity, Math.min(line.quantity, chosen.maxQuantity)) : line.quantity,
                  });
                }}
                error={fieldError(errors, `lines[${index}].offerId`)}
                w={{ base: '100%', sm: 360 }}
              />
              <NumberInput
                label={t('invitations.suggestedLicencesOffer', { number: index + 1 })}
                description={offer ? t('common.to', { minQuantity: offer.minQuantity, maxQuantity: offer.maxQuantity }) : undefined}
                min={offer?.minQuantity ?? 1}
                max={offer?.maxQuantity}
                allowDecimal={false}
                value={line.quantity}
                onChange={(value) => update(line.key, { quantity: typeof value === 'number' ? value : Number(value) || 0 })}
                error={fieldError(errors, `lines[${index}].quantity`)}
                w={{ base: '100%', sm: 200 }}
              />
              {lines.length > 1 && (
                <Button
                  variant="subtle"
                  color="red"
                  mt={{ base: 0, sm: 24 }}
                  onClick={() => setLines((current) => current.filter((l) => l.key !== line.key))}
                >
                  {t('invitations.removeOffer', { number: index + 1 })}
                </Button>
              )}
            </Group>
          );
        })}
        <Group>
          <Button variant="light" onClick={() => setLines((current) => [...current, { key: Date.now(), offerId: null, quantity: 1 }])}>
            {t('invitations.addAnotherOffer')}
          </Button>
        </Group>
        <AcceptanceCapInput value={maxAcceptances} onChange={setMaxAcceptances} errors={errors} />
        <DelegatedAdminOption checked={includeDelegatedAdmin} onChange={setIncludeDelegatedAdmin} />
        <FormErrors
          errors={errors}
          shownFields={['maxAcceptances', ...lines.flatMap((_line, index) => [`lines[${index}].offerId`, `lines[${index}].quantity`])]}
        />
        {create.error && (
          <Alert color="red">
            <ErrorMessage error={create.error} />
          </Alert>
        )}
        <Group>
          <Button onClick={() => void submit()} disabled={!complete} loading={create.isPending}>
            {t('invitations.createPurchaseOffer')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The personal URL, with a copy button named after what it copies. */
function PersonalUrl({ url, name }: { url: string; name: string }) {
  const { t } = useI18n();
  return (
    // In a narrow cell (a phone) the button goes under the URL, which then keeps the cell's width.
    <Group gap="xs" wrap="wrap" align="flex-start" mt={4}>
      <Code style={{ wordBreak: 'break-all' }} fz="xs">
        {url}
      </Code>
      <CopyButton value={url}>
        {({ copied, copy }) => (
          <Button
            size="compact-xs"
            style={{ flexShrink: 0 }}
            variant={copied ? 'filled' : 'light'}
            color={copied ? 'teal' : undefined}
            onClick={copy}
            aria-label={t('invitations.copyTheUrlOf', { name })}
          >
            {copied ? t('common.copied') : t('common.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function StatusBadge({ status }: { status: 'ACTIVE' | 'REVOKED' }) {
  const { t } = useI18n();
  return (
    <Badge color={status === 'ACTIVE' ? 'green' : 'gray'}>{status === 'ACTIVE' ? t('invitations.active') : t('invitations.revoked')}</Badge>
  );
}

/** Revoking is for good (the URL stops working for everyone), so it is confirmed first. */
/** When a link was made (and whether it includes delegated administration), and its personal URL. */
function LinkDetails({ row, name }: { row: { createdAt: string; includeDelegatedAdmin: boolean; url: string }; name: string }) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <>
      <Text size="xs" c="dimmed">
        {labels.date(row.createdAt)}
        {row.includeDelegatedAdmin ? t('invitations.withDelegatedAdministration') : ''}
      </Text>
      <PersonalUrl url={row.url} name={name} />
    </>
  );
}

/** A link's "Accepted" and "Status" cells, with the revoke action while it is active. */
function LinkStatusCells(props: {
  row: { acceptanceCount: number; maxAcceptances?: number | null; status: 'ACTIVE' | 'REVOKED' };
  name: string;
  onChanged: () => void;
  revoke: () => Promise<readonly PayloadError[]>;
}) {
  const { t, number } = useI18n();
  return (
    <>
      <Table.Td>
        {props.row.maxAcceptances == null
          ? number(props.row.acceptanceCount)
          : t('invitations.acceptedOfCap', { accepted: props.row.acceptanceCount, cap: props.row.maxAcceptances })}
      </Table.Td>
      <Table.Td miw={96}>
        <StatusBadge status={props.row.status} />
        {props.row.status === 'ACTIVE' && <RevokeButton name={props.name} onChanged={props.onChanged} revoke={props.revoke} />}
      </Table.Td>
    </>
  );
}

/** The columns of both lists: what was sent with its URL, how many accepted it, its status. */
function ListHead({ first }: { first: string }) {
  const { t } = useI18n();
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>{first}</Table.Th>
        <Table.Th>{t('invitations.accepted')}</Table.Th>
        <Table.Th>{t('common.status')}</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}

function RevokeButton(props: { name: string; revoke: () => Promise<readonly PayloadError[]>; onChanged: () => void }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const revoke = async () => {
    setPending(true);
    try {
      const errors = await props.revoke();
      if (errors.length > 0) notifications.show({ color: 'red', message: errorMessage(errors[0]!) });
      else notifications.show({ color: 'green', message: t('invitations.revoked2', { name: props.name }) });
      props.onChanged();
    } finally {
      setPending(false);
      setConfirming(false);
    }
  };
  return (
    <>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        display="block"
        mt={4}
        px={0}
        aria-label={t('invitations.revoke2', { name: props.name })}
        onClick={() => setConfirming(true)}
      >
        {t('common.revoke')}
      </Button>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('invitations.revokeThisUrl')}>
        <Stack>
          <Text size="sm">{t('invitations.revokeItsUrlStopsWorking', { name: props.name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={pending} onClick={() => void revoke()}>
              {t('common.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function PurchaseOfferList(props: { rows: FragmentType<typeof PurchaseOfferRowFragment>[]; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const rows = props.rows.map((row) => getFragmentData(PurchaseOfferRowFragment, row));
  const revoke = useGraphQLMutation(RevokePurchaseOfferDocument);
  if (rows.length === 0) return <Text c="dimmed">{t('invitations.noPurchaseOfferYet')}</Text>;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table aria-label={t('invitations.purchaseOffers')} verticalSpacing="sm">
        <ListHead first={t('invitations.offersAndPersonalUrl')} />
        <Table.Tbody>
          {rows.map((row) => {
            const name = t('invitations.purchaseOfferName', {
              date: labels.date(row.createdAt),
              offers: row.lines.map((line) => line.offer?.name ?? t('invitations.anOfferNoLongerSold')).join(', '),
            });
            return (
              <Table.Tr key={row.id}>
                <Table.Td>
                  {row.lines.map((line, index) => (
                    <Text size="sm" key={index}>
                      {line.offer?.name ?? t('invitations.anOfferYouMayNo')} · {labels.licences(line.quantity)}
                    </Text>
                  ))}
                  <LinkDetails row={row} name={name} />
                </Table.Td>
                <LinkStatusCells
                  row={row}
                  name={name}
                  onChanged={props.onChanged}
                  revoke={async () => payloadErrors((await revoke.mutateAsync({ id: row.id })).revokePurchaseOffer.errors)}
                />
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function TrialInvitationList(props: { rows: FragmentType<typeof TrialInvitationRowFragment>[]; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const rows = props.rows.map((row) => getFragmentData(TrialInvitationRowFragment, row));
  const revoke = useGraphQLMutation(RevokeTrialInvitationDocument);
  if (rows.length === 0) return <Text c="dimmed">{t('invitations.noTrialInvitationYet')}</Text>;
  return (
    <Table.ScrollContainer minWidth={340}>
      <Table aria-label={t('invitations.trialInvitations')} verticalSpacing="sm">
        <ListHead first={t('invitations.trialAndPersonalUrl')} />
        <Table.Tbody>
          {rows.map((row) => {
            const name = t('invitations.trialInvitationName', {
              date: labels.date(row.createdAt),
              offer: row.offer?.name ?? t('invitations.aTrialNoLongerOffered'),
            });
            return (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <Text size="sm">{row.offer?.name ?? t('invitations.aTrialYouMayNo')}</Text>
                  <LinkDetails row={row} name={name} />
                </Table.Td>
                <LinkStatusCells
                  row={row}
                  name={name}
                  onChanged={props.onChanged}
                  revoke={async () => payloadErrors((await revoke.mutateAsync({ id: row.id })).revokeTrialInvitation.errors)}
                />
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
