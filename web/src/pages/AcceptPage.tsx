import { Alert, Anchor, Badge, Button, Code, Container, CopyButton, Divider, Group, Loader, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type { AcceptingCustomerInput, DelegatedAdminAccess, InvitationPreviewFragment as InvitationPreviewData } from '../__generated__/graphql';
import { FormErrors, fieldError, type PayloadError } from '../components/errors';
import { licences, PROVISIONING_STATE } from '../components/labels';
import { untilSettled, useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';

/*
 * The customer-facing pages at the links the API hands out (PUBLIC_ACCEPT_URL): no partner sign-in,
 * the code in the URL authorises (a delegated-admin offer also needs the customer's administrator
 * to sign in, SPEC §4.2). They show what the link offers and who sends it, and nothing of the
 * partner beyond its name and contact.
 */

const InvitationPreviewFragment = graphql(`
  fragment InvitationPreview on InvitationPreview {
    status
    includeDelegatedAdmin
    partner {
      companyName
      email
      phone
      website
    }
    lines {
      offerId
      name
      description
      quantity
      minQuantity
      maxQuantity
      unitPrice
      currency
      billingCycle
      isTrial
      trialDays
      countries
    }
  }
`);

const TrialInvitationByCodeDocument = graphql(`
  query TrialInvitationByCode($code: String!) {
    trialInvitationByCode(code: $code) {
      ...InvitationPreview
    }
  }
`);

const PurchaseOfferByCodeDocument = graphql(`
  query PurchaseOfferByCode($code: String!) {
    purchaseOfferByCode(code: $code) {
      ...InvitationPreview
    }
  }
`);

/** Where an acceptance stands: what the page follows after the mutation answered. */
const AcceptanceFragment = graphql(`
  fragment Acceptance on OfferAcceptance {
    status
    adminUserName
    provisioningState
    failure {
      code
      message
      field
    }
  }
`);

const AcceptanceProgressDocument = graphql(`
  query AcceptanceProgress($code: String!, $id: ID!) {
    offerAcceptance(code: $code, id: $id) {
      ...Acceptance
    }
  }
`);

const AcceptTrialInvitationDocument = graphql(`
  mutation AcceptTrialInvitation($code: String!, $customer: AcceptingCustomerInput!, $idempotencyKey: String) {
    acceptTrialInvitation(code: $code, customer: $customer, idempotencyKey: $idempotencyKey) {
      acceptance {
        id
        temporaryPassword
        delegatedAdminTerminationUrl
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const AcceptPurchaseOfferDocument = graphql(`
  mutation AcceptPurchaseOffer($code: String!, $customer: AcceptingCustomerInput!, $quantities: [OfferQuantityInput!], $idempotencyKey: String) {
    acceptPurchaseOffer(code: $code, customer: $customer, quantities: $quantities, idempotencyKey: $idempotencyKey) {
      acceptance {
        id
        temporaryPassword
        delegatedAdminTerminationUrl
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

const AcceptDelegatedAdminOfferDocument = graphql(`
  mutation AcceptDelegatedAdminOfferByCode($code: String!, $signIn: CustomerAdminSignInInput!) {
    acceptDelegatedAdminOffer(code: $code, signIn: $signIn) {
      relationship {
        relationshipId
        status
        access
        expiresAt
      }
      terminationUrl
      errors {
        code
        message
        field
      }
    }
  }
`);

const DelegatedAdminOfferByCodeDocument = graphql(`
  query DelegatedAdminOfferByCode($code: String!) {
    delegatedAdminOfferByCode(code: $code) {
      status
      access
      partner {
        companyName
        email
        phone
        website
      }
    }
  }
`);

const EndDelegatedAdminRelationshipDocument = graphql(`
  mutation EndDelegatedAdminRelationshipByCode($code: String!) {
    endDelegatedAdminRelationship(code: $code) {
      relationship {
        relationshipId
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

type Preview = InvitationPreviewData;
type Line = Preview['lines'][number];

const money = (amount: number, currency: string) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount);
const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** The plain frame of every customer page: no partner navigation, nothing to sign in to. */
function CustomerFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Container size="md" py="xl" px="md">
      <Stack gap="lg">
        <Title order={1} size="h2">
          {title}
        </Title>
        {children}
      </Stack>
    </Container>
  );
}

/** A link that cannot be used any more, or never could: it says so and offers nothing. */
function UnusableLink({ title, message }: { title: string; message: string }) {
  return (
    <CustomerFrame title={title}>
      <Alert color="orange" role="alert" title={message}>
        Nothing can be accepted from this link. If you expected an offer, ask the partner who sent it for a new link.
      </Alert>
    </CustomerFrame>
  );
}

export function AcceptTrialInvitationPage() {
  const { code = '' } = useParams();
  const { data, error, isPending } = useGraphQLQuery(TrialInvitationByCodeDocument, { code });
  if (isPending) return <Loader aria-label="Loading the invitation" m="xl" />;
  if (error || !data) return <UnusableLink title="Trial invitation" message={error?.message ?? 'This invitation cannot be loaded.'} />;
  return <AcceptOffer kind="trial" code={code} preview={getFragmentData(InvitationPreviewFragment, data.trialInvitationByCode)} />;
}

export function AcceptPurchaseOfferPage() {
  const { code = '' } = useParams();
  const { data, error, isPending } = useGraphQLQuery(PurchaseOfferByCodeDocument, { code });
  if (isPending) return <Loader aria-label="Loading the offer" m="xl" />;
  if (error || !data) return <UnusableLink title="Purchase offer" message={error?.message ?? 'This offer cannot be loaded.'} />;
  return <AcceptOffer kind="purchase" code={code} preview={getFragmentData(InvitationPreviewFragment, data.purchaseOfferByCode)} />;
}

function PartnerCard({ partner }: { partner: { companyName: string; email: string; phone: string; website?: string | null } }) {
  return (
    <Paper withBorder p="md" component="section" aria-label="Your partner">
      <Text size="sm" c="dimmed">
        Sent to you by your Microsoft partner
      </Text>
      <Text fw={600} size="lg">
        {partner.companyName}
      </Text>
      <Group gap="lg" mt={4} style={{ rowGap: 4 }}>
        <Anchor href={`mailto:${partner.email}`} size="sm">
          {partner.email}
        </Anchor>
        <Text size="sm">{partner.phone}</Text>
        {partner.website && (
          <Anchor href={partner.website} size="sm" target="_blank" rel="noopener noreferrer">
            {partner.website}
          </Anchor>
        )}
      </Group>
    </Paper>
  );
}

const EMPTY_CUSTOMER: AcceptingCustomerInput = {
  companyName: '',
  country: '',
  addressLine1: '',
  city: '',
  postalCode: '',
  contactFirstName: '',
  contactLastName: '',
  contactEmail: '',
  contactPhone: '',
  domainPrefix: '',
};

function AcceptOffer({ kind, code, preview }: { kind: 'trial' | 'purchase'; code: string; preview: Preview }) {
  const title = kind === 'trial' ? 'Try Microsoft 365' : 'Your Microsoft 365 offer';
  const [quantities, setQuantities] = useState<Record<string, number>>(() => Object.fromEntries(preview.lines.map((line) => [line.offerId, line.quantity])));
  const [customer, setCustomer] = useState<AcceptingCustomerInput>(EMPTY_CUSTOMER);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  // One key per attempt on this page: a retry after a lost answer returns the same acceptance. A refused attempt takes a new one.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const acceptTrial = useGraphQLMutation(AcceptTrialInvitationDocument);
  const acceptPurchase = useGraphQLMutation(AcceptPurchaseOfferDocument);
  // The mutation answers at once with the secrets, shown only to it; the acceptance is then followed until it ends.
  const [started, setStarted] = useState<Started | null>(null);
  const refused = useCallback((failure: PayloadError) => {
    setErrors([failure]);
    setStarted(null);
    setIdempotencyKey(crypto.randomUUID());
  }, []);

  const countries = useMemo(() => {
    const [first, ...rest] = preview.lines;
    const shared = (first?.countries ?? []).filter((country) => rest.every((line) => line.countries.includes(country)));
    return shared.map((country) => ({ value: country, label: countryNames.of(country) ?? country })).sort((a, b) => a.label.localeCompare(b.label));
  }, [preview.lines]);

  if (preview.status === 'REVOKED') return <UnusableLink title={title} message="This link has been withdrawn by the partner who sent it." />;
  if (preview.status === 'FULL') return <UnusableLink title={title} message="This link has been accepted as many times as the partner who sent it allows." />;
  if (preview.status === 'NOT_FOUND' || !preview.partner || preview.lines.length === 0) {
    return <UnusableLink title={title} message="This link is not valid." />;
  }

  const total = preview.lines.reduce((sum, line) => sum + line.unitPrice * (quantities[line.offerId] ?? line.quantity), 0);
  const currency = preview.lines[0]!.currency;
  const outOfRange = preview.lines.some((line) => {
    const wanted = quantities[line.offerId] ?? 0;
    return !Number.isInteger(wanted) || wanted < line.minQuantity || wanted > line.maxQuantity;
  });
  const set = (field: keyof AcceptingCustomerInput) => (event: React.ChangeEvent<HTMLInputElement>) => {
    // Read now: React clears currentTarget once the handler returns, before the updater runs.
    const { value } = event.currentTarget;
    setCustomer((current) => ({ ...current, [field]: value }));
  };
  const pending = acceptTrial.isPending || acceptPurchase.isPending;
  const failure = acceptTrial.error ?? acceptPurchase.error;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const input = { ...customer, contactPhone: customer.contactPhone || null, domainPrefix: customer.domainPrefix || null };
    const payload =
      kind === 'trial'
        ? (await acceptTrial.mutateAsync({ code, customer: input, idempotencyKey })).acceptTrialInvitation
        : (await acceptPurchase.mutateAsync({ code, customer: input, idempotencyKey, quantities: preview.lines.map((line) => ({ offerId: line.offerId, quantity: quantities[line.offerId]! })) }))
            .acceptPurchaseOffer;
    setErrors(payload.errors);
    if (payload.acceptance) setStarted(payload.acceptance);
  };

  if (started) {
    const { partner } = preview;
    return (
      <FollowedAcceptance code={code} started={started} onRefused={refused}>
        {(acceptance) => (
          <>
            <Accepted acceptance={acceptance} started={started} lines={preview.lines} quantities={quantities} companyName={customer.companyName} />
            <PartnerCard partner={partner} />
          </>
        )}
      </FollowedAcceptance>
    );
  }

  return (
    <CustomerFrame title={title}>
      <PartnerCard partner={preview.partner} />
      <Paper withBorder p="md" component="section" aria-label="What you get">
        <Stack gap="sm">
          {preview.lines.map((line, index) => (
            <OfferLine key={line.offerId} line={line} index={index} quantity={quantities[line.offerId] ?? line.quantity} onChange={(quantity) => setQuantities((current) => ({ ...current, [line.offerId]: quantity }))} error={fieldError(errors, `quantities[${index}].quantity`)} />
          ))}
          <Divider />
          <Group justify="space-between">
            <Text fw={600}>{kind === 'trial' ? 'Free trial' : 'Total per month'}</Text>
            <Text fw={600} aria-label="Total per month">
              {kind === 'trial' ? `${preview.lines[0]!.trialDays ?? 30} days, no charge` : money(total, currency)}
            </Text>
          </Group>
          {preview.includeDelegatedAdmin && (
            <Alert color="blue" title="Delegated administration">
              Accepting also lets {preview.partner.companyName} administer your account on your behalf. You receive a link to end this at any time.
            </Alert>
          )}
        </Stack>
      </Paper>
      <form onSubmit={(event) => void submit(event)} aria-label="Your organisation">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Your organisation
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Company name" required value={customer.companyName} onChange={set('companyName')} error={fieldError(errors, 'companyName')} />
            <Select
              label="Country"
              required
              searchable
              data={countries}
              value={customer.country || null}
              onChange={(country) => setCustomer((current) => ({ ...current, country: country ?? '' }))}
              error={fieldError(errors, 'country')}
            />
            <TextInput label="Address" required value={customer.addressLine1} onChange={set('addressLine1')} error={fieldError(errors, 'addressLine1')} />
            <TextInput label="City" required value={customer.city} onChange={set('city')} error={fieldError(errors, 'city')} />
            <TextInput label="Postal code" required value={customer.postalCode} onChange={set('postalCode')} error={fieldError(errors, 'postalCode')} />
            <TextInput
              label="Domain name"
              description="Your sign-in names end in <this>.onmicrosoft.com; left empty, it comes from the company name."
              rightSection={<Text size="xs" c="dimmed">.onmicrosoft.com</Text>}
              rightSectionWidth={130}
              value={customer.domainPrefix ?? ''}
              onChange={set('domainPrefix')}
              error={fieldError(errors, 'domainPrefix')}
            />
            <TextInput label="First name" required value={customer.contactFirstName} onChange={set('contactFirstName')} error={fieldError(errors, 'contactFirstName')} />
            <TextInput label="Last name" required value={customer.contactLastName} onChange={set('contactLastName')} error={fieldError(errors, 'contactLastName')} />
            <TextInput label="E-mail" type="email" required value={customer.contactEmail} onChange={set('contactEmail')} error={fieldError(errors, 'contactEmail')} />
            <TextInput label="Phone" type="tel" value={customer.contactPhone ?? ''} onChange={set('contactPhone')} error={fieldError(errors, 'contactPhone')} />
          </SimpleGrid>
          <FormErrors
            errors={errors}
            shownFields={['companyName', 'country', 'addressLine1', 'city', 'postalCode', 'domainPrefix', 'contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone', ...preview.lines.map((_line, index) => `quantities[${index}].quantity`)]}
          />
          {failure && <Alert color="red">{failure.message}</Alert>}
          <Group>
            <Button type="submit" loading={pending} disabled={outOfRange || !customer.country}>
              {kind === 'trial' ? 'Start the trial' : 'Accept the offer'}
            </Button>
          </Group>
        </Stack>
      </form>
    </CustomerFrame>
  );
}

function OfferLine(props: { line: Line; index: number; quantity: number; onChange: (quantity: number) => void; error?: string }) {
  const { line } = props;
  const fixed = line.minQuantity === line.maxQuantity;
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap">
      <div style={{ flex: '1 1 240px' }}>
        <Text fw={600}>{line.name}</Text>
        <Text size="sm" c="dimmed">
          {line.description}
        </Text>
        {!line.isTrial && (
          <Text size="sm">
            {money(line.unitPrice, line.currency)} per licence per month{line.billingCycle === 'ANNUAL' ? ', billed yearly' : ''}
          </Text>
        )}
      </div>
      {fixed ? (
        <Badge size="lg" variant="light">
          {licences(line.minQuantity)}
        </Badge>
      ) : (
        <NumberInput
          label={`Licences of ${line.name}`}
          description={`${line.minQuantity} to ${line.maxQuantity}`}
          min={line.minQuantity}
          max={line.maxQuantity}
          allowDecimal={false}
          clampBehavior="none"
          value={props.quantity}
          onChange={(value) => props.onChange(typeof value === 'number' ? value : Number(value) || 0)}
          error={props.error ?? (props.quantity < line.minQuantity || props.quantity > line.maxQuantity ? `Choose ${line.minQuantity} to ${line.maxQuantity}` : undefined)}
          w={{ base: '100%', xs: 200 }}
        />
      )}
    </Group>
  );
}

/** What the mutation answered, once: the acceptance to follow and the secrets made for it. */
interface Started {
  id: string;
  temporaryPassword?: string | null;
  delegatedAdminTerminationUrl?: string | null;
}

/** Refused, or its account made and its subscriptions set up (or failed): nothing more to follow. */
function hasSettled(acceptance: { status: string; provisioningState?: string | null }): boolean {
  return acceptance.status === 'FAILED' || (acceptance.status === 'COMPLETED' && acceptance.provisioningState != null && acceptance.provisioningState !== 'PROVISIONING');
}

/**
 * Follows the acceptance (`offerAcceptance`) while its account is made and then provisioned. A
 * refusal (e.g. a taken domain) sends the customer back to the form, the reason next to its field.
 */
function FollowedAcceptance(props: {
  code: string;
  started: Started;
  onRefused: (failure: PayloadError) => void;
  children: (acceptance: FragmentType<typeof AcceptanceFragment>) => React.ReactNode;
}) {
  const { data, error } = useGraphQLQuery(
    AcceptanceProgressDocument,
    { code: props.code, id: props.started.id },
    {
      refetchInterval: (query) => {
        const found = query.state.data?.offerAcceptance;
        return untilSettled(!!found && hasSettled(getFragmentData(AcceptanceFragment, found)), query.state.dataUpdateCount);
      },
    },
  );
  const acceptance = data?.offerAcceptance ? getFragmentData(AcceptanceFragment, data.offerAcceptance) : null;
  const { onRefused } = props;
  const failure = acceptance?.status === 'FAILED' ? acceptance.failure : null;
  useEffect(() => {
    if (failure) onRefused(failure);
  }, [failure, onRefused]);
  if (data?.offerAcceptance && acceptance?.status === 'COMPLETED') return <CustomerFrame title="Your account is ready">{props.children(data.offerAcceptance)}</CustomerFrame>;
  return (
    <CustomerFrame title="Your account is being created">
      <Alert color="yellow" role="status" title="Your request is recorded" icon={<Loader size="xs" />}>
        Your account is being created: this takes a moment. Keep this page open to see your sign-in details.
      </Alert>
      {error && <Alert color="red">{error.message}</Alert>}
    </CustomerFrame>
  );
}

/** What was created, with the admin's credentials shown this once. */
function Accepted(props: { acceptance: FragmentType<typeof AcceptanceFragment>; started: Started; lines: Line[]; quantities: Record<string, number>; companyName: string }) {
  const acceptance = getFragmentData(AcceptanceFragment, props.acceptance);
  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-label="What was created">
        <Text fw={600} mb="xs">
          {props.companyName}
        </Text>
        <Table>
          <Table.Tbody>
            {props.lines.map((line) => (
              <Table.Tr key={line.offerId}>
                <Table.Td>{line.name}</Table.Td>
                <Table.Td>{licences(props.quantities[line.offerId] ?? line.quantity)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {acceptance.provisioningState && (
          <Text size="sm" mt="xs">
            {acceptance.provisioningState === 'PROVISIONING'
              ? 'Your subscriptions are being set up: you can sign in once they are ready, usually within a few minutes.'
              : `Account: ${PROVISIONING_STATE[acceptance.provisioningState]}`}
          </Text>
        )}
      </Paper>
      <Paper withBorder p="md" component="section" aria-label="Your administrator sign-in">
        <Stack gap="xs">
          <Title order={2} size="h4">
            Your administrator sign-in
          </Title>
          <Credential label="User name" value={acceptance.adminUserName} />
          <Credential label="Temporary password" value={props.started.temporaryPassword} />
          <Credential label="Your link to end delegated administration" value={props.started.delegatedAdminTerminationUrl} />
          <Alert color="yellow">These details are shown only once. Copy them now: they cannot be displayed again. You will change the password at first sign-in.</Alert>
        </Stack>
      </Paper>
    </Stack>
  );
}

function Credential({ label, value }: { label: string; value: string | null | undefined }) {
  if (!value) return null;
  const id = `credential-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code aria-labelledby={id} fz="md" style={{ wordBreak: 'break-all' }}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button size="compact-xs" style={{ flexShrink: 0 }} variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}

const ACCESS = { FULL: 'full administration', LIMITED: 'limited administration' } as Record<DelegatedAdminAccess, string>;

/**
 * The one-time link of a delegated-admin offer: the customer's administrator signs in with its
 * account's credentials to accept, which gives the partner administration of the account. Wrong
 * credentials leave the link usable; the termination link is shown to that administrator only.
 */
export function AcceptDelegatedAdminOfferPage() {
  const { code = '' } = useParams();
  const preview = useGraphQLQuery(DelegatedAdminOfferByCodeDocument, { code });
  const accept = useGraphQLMutation(AcceptDelegatedAdminOfferDocument);
  const [signIn, setSignIn] = useState({ userName: '', password: '' });
  const payload = accept.data?.acceptDelegatedAdminOffer;
  const errors = payload?.errors ?? [];
  const spent = errors.find((error) => error.code === 'INVALID_CODE');
  if (preview.isPending) return <Loader aria-label="Loading the offer" m="xl" />;
  const offer = preview.data?.delegatedAdminOfferByCode;
  if (spent) return <UnusableLink title="Delegated administration" message={spent.message} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title="Delegated administration accepted">
        <Text>
          {offer?.partner?.companyName ?? 'Your partner'} now has {ACCESS[payload.relationship.access]} of your account until{' '}
          {new Date(payload.relationship.expiresAt).toLocaleDateString('en-GB', { dateStyle: 'long' })}.
        </Text>
        <Paper withBorder p="md">
          <Credential label="Your link to end delegated administration" value={payload.terminationUrl} />
          <Alert color="yellow" mt="sm">
            This link is shown only once. Keep it: open it whenever you want to end your partner's access.
          </Alert>
        </Paper>
      </CustomerFrame>
    );
  }
  if (!offer || offer.status !== 'PENDING' || !offer.partner || !offer.access) {
    return <UnusableLink title="Delegated administration" message={preview.error?.message ?? 'This link is not valid: it is unknown, already used or expired.'} />;
  }
  const set = (field: 'userName' | 'password') => (event: React.ChangeEvent<HTMLInputElement>) => {
    const { value } = event.currentTarget;
    setSignIn((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    accept.mutate({ code, signIn });
  };
  return (
    <CustomerFrame title="Delegated administration">
      <PartnerCard partner={offer.partner} />
      <Text>
        {offer.partner.companyName} offers to administer your Microsoft 365 account on your behalf ({ACCESS[offer.access]}): managing users, licences and
        settings. You can end it at any time with the link you receive after accepting.
      </Text>
      <form onSubmit={submit} aria-label="Sign in as your administrator">
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={2} size="h4">
              Sign in as your administrator
            </Title>
            <Text size="sm" c="dimmed">
              Only a global administrator of your account can accept: sign in with its user name and password (the temporary password you were given, or the one
              you chose since).
            </Text>
            <TextInput label="User name" placeholder="admin@yourcompany.onmicrosoft.com" autoComplete="username" required value={signIn.userName} onChange={set('userName')} error={fieldError(errors, 'userName')} />
            <PasswordInput label="Password" autoComplete="current-password" required value={signIn.password} onChange={set('password')} error={fieldError(errors, 'password')} />
            <FormErrors errors={errors} shownFields={['userName', 'password']} />
            {accept.error && <Alert color="red">{accept.error.message}</Alert>}
            <Group>
              <Button type="submit" loading={accept.isPending}>
                Accept delegated administration
              </Button>
            </Group>
          </Stack>
        </Paper>
      </form>
    </CustomerFrame>
  );
}

/** The customer's own link to end a delegated-admin relationship. */
export function EndDelegatedAdminPage() {
  const { code = '' } = useParams();
  const end = useGraphQLMutation(EndDelegatedAdminRelationshipDocument);
  const payload = end.data?.endDelegatedAdminRelationship;
  const refused = payload?.errors[0];
  if (refused) return <UnusableLink title="End delegated administration" message={refused.message} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title="Delegated administration ended">
        <Text>Your partner no longer administers your account.</Text>
      </CustomerFrame>
    );
  }
  return (
    <CustomerFrame title="End delegated administration">
      <Text>Ending it removes your partner's administration of your Microsoft 365 account. Your subscriptions and users are not changed.</Text>
      {end.error && <Alert color="red">{end.error.message}</Alert>}
      <Group>
        <Button color="red" loading={end.isPending} onClick={() => end.mutate({ code })}>
          End delegated administration
        </Button>
      </Group>
    </CustomerFrame>
  );
}
