import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Container,
  CopyButton,
  Divider,
  Group,
  Loader,
  NumberInput,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { graphql, getFragmentData, type FragmentType } from '../__generated__';
import type {
  AcceptingCustomerInput,
  DelegatedAdminAccess,
  InvitationPreviewFragment as InvitationPreviewData,
} from '../__generated__/graphql';
import { CustomerAccountFields } from '../components/CustomerAccountFields';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from '../components/errors';
import { useLabels } from '../components/labels';
import { untilSettled, useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../graphql/hooks';
import { useCustomerLanguage, useI18n } from '../i18n/I18nProvider';

/*
 * The customer-facing pages at the links the API hands out (PUBLIC_ACCEPT_URL): no partner sign-in,
 * the code in the URL authorises (a delegated-admin offer also needs the customer's administrator
 * to sign in). They show what the link offers and who sends it, and nothing of the
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
      description(language: $language)
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
  query TrialInvitationByCode($code: String!, $language: String) {
    trialInvitationByCode(code: $code) {
      ...InvitationPreview
    }
  }
`);

const PurchaseOfferByCodeDocument = graphql(`
  query PurchaseOfferByCode($code: String!, $language: String) {
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
    language
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
        ...PayloadErrorFields
      }
    }
  }
`);

const AcceptPurchaseOfferDocument = graphql(`
  mutation AcceptPurchaseOffer(
    $code: String!
    $customer: AcceptingCustomerInput!
    $quantities: [OfferQuantityInput!]
    $idempotencyKey: String
  ) {
    acceptPurchaseOffer(code: $code, customer: $customer, quantities: $quantities, idempotencyKey: $idempotencyKey) {
      acceptance {
        id
        temporaryPassword
        delegatedAdminTerminationUrl
      }
      errors {
        ...PayloadErrorFields
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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
      }
    }
  }
`);

type Preview = InvitationPreviewData;
type Line = Preview['lines'][number];

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
function UnusableLink({ title, message }: { title: string; message: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <CustomerFrame title={title}>
      <Alert color="orange" role="alert" title={message}>
        {t('accept.nothingCanBeAcceptedFrom')}
      </Alert>
    </CustomerFrame>
  );
}

export function AcceptTrialInvitationPage() {
  const { t, locale } = useI18n();
  const { code = '' } = useParams();
  // The offer's descriptions in the page's language; a switch keeps the page (and the acceptance it follows) while they load.
  const { data, error, isPending } = useGraphQLQuery(
    TrialInvitationByCodeDocument,
    { code, language: locale },
    { placeholderData: keepPreviousData },
  );
  if (isPending) return <Loader aria-label={t('accept.loadingTheInvitation')} m="xl" />;
  if (error || !data)
    return (
      <UnusableLink
        title={t('accept.trialInvitation')}
        message={error ? <ErrorMessage error={error} /> : t('accept.thisInvitationCannotBeLoaded')}
      />
    );
  return <AcceptOffer kind="trial" code={code} preview={getFragmentData(InvitationPreviewFragment, data.trialInvitationByCode)} />;
}

export function AcceptPurchaseOfferPage() {
  const { t, locale } = useI18n();
  const { code = '' } = useParams();
  const { data, error, isPending } = useGraphQLQuery(
    PurchaseOfferByCodeDocument,
    { code, language: locale },
    { placeholderData: keepPreviousData },
  );
  if (isPending) return <Loader aria-label={t('accept.loadingTheOffer')} m="xl" />;
  if (error || !data)
    return (
      <UnusableLink
        title={t('accept.purchaseOffer')}
        message={error ? <ErrorMessage error={error} /> : t('accept.thisOfferCannotBeLoaded')}
      />
    );
  return <AcceptOffer kind="purchase" code={code} preview={getFragmentData(InvitationPreviewFragment, data.purchaseOfferByCode)} />;
}

function PartnerCard({ partner }: { partner: { companyName: string; email: string; phone: string; website?: string | null } }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="md" component="section" aria-label={t('accept.yourPartner')}>
      <Text size="sm" c="dimmed">
        {t('accept.sentToYouByYour')}
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
  const { t, price, countryOptions } = useI18n();
  const title = kind === 'trial' ? t('accept.tryMicrosoft365') : t('accept.yourMicrosoft365Offer');
  const [quantities, setQuantities] = useState<Record<string, number>>(() =>
    Object.fromEntries(preview.lines.map((line) => [line.offerId, line.quantity])),
  );
  const [customer, setCustomer] = useState<AcceptingCustomerInput>(EMPTY_CUSTOMER);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  // One key per attempt on this page: a retry after a lost answer returns the same acceptance. A refused attempt takes a new one.
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const acceptTrial = useGraphQLMutation(AcceptTrialInvitationDocument);
  const acceptPurchase = useGraphQLMutation(AcceptPurchaseOfferDocument);
  // The mutation answers at once with the secrets, shown only to it; the acceptance is then followed until it ends.
  const [started, setStarted] = useState<(Started & { preview: Preview }) | null>(null);
  const refused = useCallback(
    (failure: PayloadError) => {
      setErrors([failure]);
      setStarted(null);
      renewIdempotencyKey();
    },
    [renewIdempotencyKey],
  );

  const countries = useMemo(() => {
    const [first, ...rest] = preview.lines;
    const shared = (first?.countries ?? []).filter((country) => rest.every((line) => line.countries.includes(country)));
    return countryOptions(shared);
  }, [preview.lines, countryOptions]);

  // Once accepted, the page follows the acceptance with the offer as it was accepted: the link may
  // since be FULL (its last place taken by this customer), and a switch to the customer's
  // language reloads the preview.
  if (started) {
    const { partner, lines } = started.preview;
    return (
      <FollowedAcceptance code={code} started={started} onRefused={refused}>
        {(acceptance) => (
          <>
            <Accepted acceptance={acceptance} started={started} lines={lines} quantities={quantities} companyName={customer.companyName} />
            {partner && <PartnerCard partner={partner} />}
          </>
        )}
      </FollowedAcceptance>
    );
  }

  if (preview.status === 'REVOKED') return <UnusableLink title={title} message={t('accept.thisLinkHasBeenWithdrawn')} />;
  if (preview.status === 'FULL') return <UnusableLink title={title} message={t('accept.thisLinkHasBeenAcceptedAsMany')} />;
  if (preview.status === 'NOT_FOUND' || !preview.partner || preview.lines.length === 0) {
    return <UnusableLink title={title} message={t('accept.thisLinkIsNotValid')} />;
  }

  const total = preview.lines.reduce((sum, line) => sum + line.unitPrice * (quantities[line.offerId] ?? line.quantity), 0);
  const currency = preview.lines[0]!.currency;
  const outOfRange = preview.lines.some((line) => {
    const wanted = quantities[line.offerId] ?? 0;
    return !Number.isInteger(wanted) || wanted < line.minQuantity || wanted > line.maxQuantity;
  });
  const pending = acceptTrial.isPending || acceptPurchase.isPending;
  const failure = acceptTrial.error ?? acceptPurchase.error;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const input = { ...customer, contactPhone: customer.contactPhone || null, domainPrefix: customer.domainPrefix || null };
    const payload =
      kind === 'trial'
        ? (await acceptTrial.mutateAsync({ code, customer: input, idempotencyKey })).acceptTrialInvitation
        : (
            await acceptPurchase.mutateAsync({
              code,
              customer: input,
              idempotencyKey,
              quantities: preview.lines.map((line) => ({ offerId: line.offerId, quantity: quantities[line.offerId]! })),
            })
          ).acceptPurchaseOffer;
    setErrors(payloadErrors(payload.errors));
    if (payload.acceptance) setStarted({ ...payload.acceptance, preview });
  };

  return (
    <CustomerFrame title={title}>
      <PartnerCard partner={preview.partner} />
      <Paper withBorder p="md" component="section" aria-label={t('accept.whatYouGet')}>
        <Stack gap="sm">
          {preview.lines.map((line, index) => (
            <OfferLine
              key={line.offerId}
              line={line}
              index={index}
              quantity={quantities[line.offerId] ?? line.quantity}
              onChange={(quantity) => setQuantities((current) => ({ ...current, [line.offerId]: quantity }))}
              error={fieldError(errors, `quantities[${index}].quantity`)}
            />
          ))}
          <Divider />
          <Group justify="space-between">
            <Text fw={600}>{kind === 'trial' ? t('accept.freeTrial') : t('accept.totalPerMonth')}</Text>
            <Text fw={600} aria-label={t('accept.totalPerMonth')}>
              {kind === 'trial' ? t('accept.daysNoCharge', { days: preview.lines[0]!.trialDays ?? 30 }) : price(total, currency)}
            </Text>
          </Group>
          {preview.includeDelegatedAdmin && (
            <Alert color="blue" title={t('common.delegatedAdministration')}>
              {t('accept.acceptingAlsoLetsAdministerYour', { companyName: preview.partner.companyName })}
            </Alert>
          )}
        </Stack>
      </Paper>
      <form onSubmit={(event) => void submit(event)} aria-label={t('common.yourOrganisation')}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('common.yourOrganisation')}
          </Title>
          <CustomerAccountFields
            fields={[
              { name: 'companyName', label: t('common.companyName'), required: true },
              { name: 'country', label: t('common.country'), kind: 'country', required: true },
              { name: 'addressLine1', label: t('common.address'), required: true },
              { name: 'city', label: t('common.city'), required: true },
              { name: 'postalCode', label: t('common.postalCode'), required: true },
              { name: 'domainPrefix', label: t('accept.domainName'), kind: 'domain', description: t('accept.yourSignInNamesEnd') },
              { name: 'contactFirstName', label: t('common.firstName'), required: true },
              { name: 'contactLastName', label: t('common.lastName'), required: true },
              { name: 'contactEmail', label: t('accept.eMail'), type: 'email', required: true },
              { name: 'contactPhone', label: t('accept.phone'), type: 'tel' },
            ]}
            values={customer}
            onChange={(name, value) => setCustomer((current) => ({ ...current, [name]: value }))}
            errors={errors}
            countries={countries}
          />
          <FormErrors
            errors={errors}
            shownFields={[
              'companyName',
              'country',
              'addressLine1',
              'city',
              'postalCode',
              'domainPrefix',
              'contactFirstName',
              'contactLastName',
              'contactEmail',
              'contactPhone',
              ...preview.lines.map((_line, index) => `quantities[${index}].quantity`),
            ]}
          />
          {failure && (
            <Alert color="red">
              <ErrorMessage error={failure} />
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={pending} disabled={outOfRange || !customer.country}>
              {kind === 'trial' ? t('accept.startTheTrial') : t('accept.acceptTheOffer')}
            </Button>
          </Group>
        </Stack>
      </form>
    </CustomerFrame>
  );
}

function OfferLine(props: { line: Line; index: number; quantity: number; onChange: (quantity: number) => void; error?: React.ReactNode }) {
  const { t, price } = useI18n();
  const labels = useLabels();
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
            {t(line.billingCycle === 'ANNUAL' ? 'accept.pricePerMonthBilledYearly' : 'accept.pricePerMonth', {
              price: price(line.unitPrice, line.currency),
            })}
          </Text>
        )}
      </div>
      {fixed ? (
        <Badge size="lg" variant="light">
          {labels.licences(line.minQuantity)}
        </Badge>
      ) : (
        <NumberInput
          label={t('accept.licencesOf', { name: line.name })}
          description={t('common.to', { minQuantity: line.minQuantity, maxQuantity: line.maxQuantity })}
          min={line.minQuantity}
          max={line.maxQuantity}
          allowDecimal={false}
          clampBehavior="none"
          value={props.quantity}
          onChange={(value) => props.onChange(typeof value === 'number' ? value : Number(value) || 0)}
          error={
            props.error ??
            (props.quantity < line.minQuantity || props.quantity > line.maxQuantity
              ? t('accept.chooseTo', { minQuantity: line.minQuantity, maxQuantity: line.maxQuantity })
              : undefined)
          }
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
  return (
    acceptance.status === 'FAILED' ||
    (acceptance.status === 'COMPLETED' && acceptance.provisioningState != null && acceptance.provisioningState !== 'PROVISIONING')
  );
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
  const { t } = useI18n();
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
  // The account exists: from here on the page speaks its language, whatever the browser's.
  const speaksCustomersLanguage = useCustomerLanguage(acceptance?.status === 'COMPLETED' ? acceptance.language : null);
  useEffect(() => {
    if (failure) onRefused(failure);
  }, [failure, onRefused]);
  if (data?.offerAcceptance && acceptance?.status === 'COMPLETED' && speaksCustomersLanguage)
    return <CustomerFrame title={t('accept.yourAccountIsReady')}>{props.children(data.offerAcceptance)}</CustomerFrame>;
  return (
    <CustomerFrame title={t('accept.yourAccountIsBeingCreated')}>
      <Alert color="yellow" role="status" title={t('accept.yourRequestIsRecorded')} icon={<Loader size="xs" />}>
        {t('accept.yourAccountIsBeingCreated2')}
      </Alert>
      {error && (
        <Alert color="red">
          <ErrorMessage error={error} />
        </Alert>
      )}
    </CustomerFrame>
  );
}

/** What was created, with the admin's credentials shown this once. */
function Accepted(props: {
  acceptance: FragmentType<typeof AcceptanceFragment>;
  started: Started;
  lines: Line[];
  quantities: Record<string, number>;
  companyName: string;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const acceptance = getFragmentData(AcceptanceFragment, props.acceptance);
  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-label={t('accept.whatWasCreated')}>
        <Text fw={600} mb="xs">
          {props.companyName}
        </Text>
        <Table>
          <Table.Tbody>
            {props.lines.map((line) => (
              <Table.Tr key={line.offerId}>
                <Table.Td>{line.name}</Table.Td>
                <Table.Td>{labels.licences(props.quantities[line.offerId] ?? line.quantity)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {acceptance.provisioningState && (
          <Text size="sm" mt="xs">
            {acceptance.provisioningState === 'PROVISIONING'
              ? t('accept.yourSubscriptionsAreBeingSet')
              : t('accept.account', { value: labels.provisioningState[acceptance.provisioningState] })}
          </Text>
        )}
      </Paper>
      <Paper withBorder p="md" component="section" aria-label={t('accept.yourAdministratorSignIn')}>
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('accept.yourAdministratorSignIn')}
          </Title>
          <Credential label={t('common.userName')} value={acceptance.adminUserName} />
          <Credential label={t('common.temporaryPassword')} value={props.started.temporaryPassword} />
          <Credential label={t('accept.yourLinkToEndDelegated')} value={props.started.delegatedAdminTerminationUrl} />
          <Alert color="yellow">{t('accept.theseDetailsAreShownOnly')}</Alert>
        </Stack>
      </Paper>
    </Stack>
  );
}

function Credential({ label, value }: { label: string; value: string | null | undefined }) {
  const { t } = useI18n();
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
            <Button
              size="compact-xs"
              style={{ flexShrink: 0 }}
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
              aria-label={t('accept.copy', { label: label.toLowerCase() })}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}

/**
 * The one-time link of a delegated-admin offer: the customer's administrator signs in with its
 * account's credentials to accept, which gives the partner administration of the account. Wrong
 * credentials leave the link usable; the termination link is shown to that administrator only.
 */
export function AcceptDelegatedAdminOfferPage() {
  const { t, longDate } = useI18n();
  const access = (level: DelegatedAdminAccess) => (level === 'FULL' ? t('accept.fullAdministration') : t('accept.limitedAdministration'));
  const { code = '' } = useParams();
  const preview = useGraphQLQuery(DelegatedAdminOfferByCodeDocument, { code });
  const accept = useGraphQLMutation(AcceptDelegatedAdminOfferDocument);
  const [signIn, setSignIn] = useState({ userName: '', password: '' });
  const payload = accept.data?.acceptDelegatedAdminOffer;
  const errors = payloadErrors(payload?.errors ?? []);
  const spent = errors.find((error) => error.code === 'INVALID_CODE');
  if (preview.isPending) return <Loader aria-label={t('accept.loadingTheOffer')} m="xl" />;
  const offer = preview.data?.delegatedAdminOfferByCode;
  if (spent) return <UnusableLink title={t('common.delegatedAdministration')} message={<ErrorMessage error={spent} />} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title={t('accept.delegatedAdministrationAccepted')}>
        <Text>
          {t('accept.partnerNowHasAccess', {
            partner: offer?.partner?.companyName ?? t('accept.yourPartner'),
            access: access(payload.relationship.access),
            date: longDate(payload.relationship.expiresAt),
          })}
        </Text>
        <Paper withBorder p="md">
          <Credential label={t('accept.yourLinkToEndDelegated')} value={payload.terminationUrl} />
          <Alert color="yellow" mt="sm">
            {t('accept.thisLinkIsShownOnly')}
          </Alert>
        </Paper>
      </CustomerFrame>
    );
  }
  if (!offer || offer.status !== 'PENDING' || !offer.partner || !offer.access) {
    return (
      <UnusableLink
        title={t('common.delegatedAdministration')}
        message={preview.error ? <ErrorMessage error={preview.error} /> : t('accept.thisLinkIsNotValid2')}
      />
    );
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
    <CustomerFrame title={t('common.delegatedAdministration')}>
      <PartnerCard partner={offer.partner} />
      <Text>{t('accept.offersToAdministerYourMicrosoft', { companyName: offer.partner.companyName, access: access(offer.access) })}</Text>
      <form onSubmit={submit} aria-label={t('accept.signInAsYourAdministrator')}>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('accept.signInAsYourAdministrator')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('accept.onlyAGlobalAdministratorCanAccept')}
            </Text>
            <TextInput
              label={t('accept.userName')}
              placeholder={t('accept.userNamePlaceholder')}
              autoComplete="username"
              required
              value={signIn.userName}
              onChange={set('userName')}
              error={fieldError(errors, 'userName')}
            />
            <PasswordInput
              label={t('accept.password')}
              autoComplete="current-password"
              required
              value={signIn.password}
              onChange={set('password')}
              error={fieldError(errors, 'password')}
            />
            <FormErrors errors={errors} shownFields={['userName', 'password']} />
            {accept.error && (
              <Alert color="red">
                <ErrorMessage error={accept.error} />
              </Alert>
            )}
            <Group>
              <Button type="submit" loading={accept.isPending}>
                {t('accept.acceptDelegatedAdministration')}
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
  const { t } = useI18n();
  const { code = '' } = useParams();
  const end = useGraphQLMutation(EndDelegatedAdminRelationshipDocument);
  const payload = end.data?.endDelegatedAdminRelationship;
  const refused = payload ? payloadErrors(payload.errors)[0] : undefined;
  if (refused) return <UnusableLink title={t('accept.endDelegatedAdministration')} message={<ErrorMessage error={refused} />} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title={t('accept.delegatedAdministrationEnded')}>
        <Text>{t('accept.yourPartnerNoLongerAdministers')}</Text>
      </CustomerFrame>
    );
  }
  return (
    <CustomerFrame title={t('accept.endDelegatedAdministration')}>
      <Text>{t('accept.endingItRemovesYourPartner')}</Text>
      {end.error && (
        <Alert color="red">
          <ErrorMessage error={end.error} />
        </Alert>
      )}
      <Group>
        <Button color="red" loading={end.isPending} onClick={() => end.mutate({ code })}>
          {t('accept.endDelegatedAdministration')}
        </Button>
      </Group>
    </CustomerFrame>
  );
}
