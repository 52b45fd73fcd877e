import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  Select,
  Stack,
  Stepper,
  Text,
  Title,
  type ComboboxData,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import type { CreateCustomerInput, CreateCustomerMutation, SellableOffersQuery } from '../__generated__/graphql';
import { CustomerAccountFields } from '../components/CustomerAccountFields';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from '../components/errors';
import { useLabels } from '../components/labels';
import { AdminCredentialsOnce } from '../components/SecretOnce';
import { useCapabilities } from '../components/Viewer';
import { untilSettled, useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

// The countries come from the offers the partner may sell; the offers of step 2 from that country.
const SellableOffersDocument = graphql(`
  query SellableOffers($country: String) {
    offers(country: $country, first: 100) {
      edges {
        node {
          id
          name
          countries
          minQuantity
          maxQuantity
          unitPrice
          currency
          isTrial
          isAddOn
          term
          billingCycle
        }
      }
    }
  }
`);

const DomainAvailableDocument = graphql(`
  query IsDomainAvailable($prefix: String!) {
    isDomainAvailable(prefix: $prefix) {
      available
      domain
      reason
      message
    }
  }
`);

const CreateCustomerDocument = graphql(`
  mutation CreateCustomer($input: CreateCustomerInput!, $idempotencyKey: String!, $dryRun: Boolean!) {
    createCustomer(input: $input, idempotencyKey: $idempotencyKey, dryRun: $dryRun) {
      dryRun
      errors {
        ...PayloadErrorFields
      }
      preview {
        companyName
        defaultDomain
        adminUserName
        country
        subscription {
          offerName
          quantity
          term
          billingCycle
        }
      }
      customer {
        id
        defaultDomain
      }
      credentials {
        userName
        temporaryPassword
      }
    }
  }
`);

const ProvisioningDocument = graphql(`
  query CustomerProvisioning($id: ID!) {
    customer(id: $id) {
      id
      companyName
      provisioningState
      provisioningError
    }
  }
`);

const RetryDocument = graphql(`
  mutation RetryNewCustomerProvisioning($customerId: ID!) {
    retryCustomerProvisioning(customerId: $customerId) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

type Details = Omit<CreateCustomerInput, 'subscription'>;
const EMPTY: Details = {
  companyName: '',
  domainPrefix: '',
  country: '',
  addressLine1: '',
  addressLine2: '',
  city: '',
  postalCode: '',
  region: '',
  contactFirstName: '',
  contactLastName: '',
  contactEmail: '',
  contactPhone: '',
};
const DETAIL_FIELDS = Object.keys(EMPTY);
const OFFER_FIELDS = ['subscription.offerId', 'subscription.quantity'];
type Preview = NonNullable<CreateCustomerMutation['createCustomer']['preview']>;
type Offer = SellableOffersQuery['offers']['edges'][number]['node'];

/** Add customer (seed 002): details → offer and seats → review → credentials once → provisioning followed. */
export function AddCustomerPage() {
  const { t, countryOptions } = useI18n();
  const { createsCustomers } = useCapabilities();
  const [step, setStep] = useState(0);
  const [details, setDetails] = useState<Details>(EMPTY);
  const [offerId, setOfferId] = useState<string | null>(null);
  const [seats, setSeats] = useState<number | string>(1);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [created, setCreated] = useState<{ id: string; userName: string; password: string | null } | null>(null);
  const [credentialsOpen, setCredentialsOpen] = useState(false);
  // One key for the whole wizard: submitting twice creates one customer.
  const [idempotencyKey] = useIdempotencyKey();
  const create = useGraphQLMutation(CreateCustomerDocument);
  // On a phone only the current step is named, so the three steps fit on one line.
  const wide = useMediaQuery('(min-width: 36em)', true);
  const named = (index: number) => wide || index === step;

  const allOffers = useGraphQLQuery(SellableOffersDocument, { country: null });
  const countryOffers = useGraphQLQuery(SellableOffersDocument, { country: details.country || null }, { enabled: details.country !== '' });
  const countries = useMemo(
    () => countryOptions([...new Set(allOffers.data?.offers.edges.flatMap((edge) => edge.node.countries) ?? [])]),
    [allOffers.data, countryOptions],
  );
  // A first subscription is a paid offer with no prerequisite (trials go through invitations), as the graph marks them.
  const offers = (countryOffers.data?.offers.edges ?? []).map((edge) => edge.node).filter((offer) => !offer.isTrial && !offer.isAddOn);

  if (!createsCustomers) {
    return (
      <Alert color="gray" title={t('common.notAvailable')}>
        {t('addCustomer.creatingCustomerAccountsNeedsThe')}
      </Alert>
    );
  }

  const input = (): CreateCustomerInput => ({
    ...details,
    addressLine2: details.addressLine2 || null,
    region: details.region || null,
    subscription: { offerId: offerId ?? '', quantity: Number(seats) },
  });
  const goToErrors = (found: readonly PayloadError[]) => {
    if (found.some((error) => error.field && DETAIL_FIELDS.includes(error.field))) setStep(0);
    else if (found.some((error) => error.field && OFFER_FIELDS.includes(error.field))) setStep(1);
  };
  const review = async () => {
    const payload = (await create.mutateAsync({ input: input(), idempotencyKey, dryRun: true })).createCustomer;
    const errors = payloadErrors(payload.errors);
    setErrors(errors);
    if (errors.length > 0) return goToErrors(errors);
    setPreview(payload.preview ?? null);
    setStep(2);
  };
  const submit = async () => {
    const payload = (await create.mutateAsync({ input: input(), idempotencyKey, dryRun: false })).createCustomer;
    const errors = payloadErrors(payload.errors);
    setErrors(errors);
    if (errors.length > 0) return goToErrors(errors);
    if (!payload.customer || !payload.credentials) return;
    setCreated({
      id: payload.customer.id,
      userName: payload.credentials.userName,
      password: payload.credentials.temporaryPassword ?? null,
    });
    setCredentialsOpen(true);
    setStep(3);
  };

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/customers" size="sm">
        {t('common.backToCustomers')}
      </Anchor>
      <Title order={1} size="h2">
        {t('common.addCustomer')}
      </Title>
      <Stepper active={step} onStepClick={(target) => target < step && step < 3 && setStep(target)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step
          label={named(0) ? t('addCustomer.details') : undefined}
          description={wide ? t('addCustomer.companyAndContact') : undefined}
          aria-label={t('addCustomer.details')}
        >
          <DetailsStep
            details={details}
            onChange={(name, value) => {
              setDetails((current) => ({ ...current, [name]: value }));
              // The offers of step 2 are those of the country.
              if (name === 'country') setOfferId(null);
            }}
            errors={errors}
            countries={countries}
            onNext={() => setStep(1)}
          />
        </Stepper.Step>
        <Stepper.Step
          label={named(1) ? t('addCustomer.offerAndSeats') : undefined}
          description={wide ? t('addCustomer.firstSubscription') : undefined}
          aria-label={t('addCustomer.offerAndSeats')}
        >
          <OfferStep
            offers={offers}
            loading={countryOffers.isPending}
            country={details.country}
            offerId={offerId}
            seats={seats}
            onOffer={setOfferId}
            onSeats={setSeats}
            errors={errors}
            reviewing={create.isPending}
            onBack={() => setStep(0)}
            onReview={() => void review()}
          />
        </Stepper.Step>
        <Stepper.Step
          label={named(2) ? t('common.review') : undefined}
          description={wide ? t('addCustomer.checkAndSubmit') : undefined}
          aria-label={t('common.review')}
        >
          {preview && (
            <ReviewStep
              preview={preview}
              details={details}
              errors={errors}
              creating={create.isPending}
              onEdit={setStep}
              onCreate={() => void submit()}
            />
          )}
        </Stepper.Step>
        <Stepper.Completed>{created && <Provisioning customerId={created.id} credentialsOpen={credentialsOpen} />}</Stepper.Completed>
      </Stepper>
      <AdminCredentialsOnce
        opened={credentialsOpen}
        title={t('addCustomer.customerCreatedTheAdministratorS')}
        userName={created?.userName}
        password={created?.password ?? null}
        onDone={() => setCredentialsOpen(false)}
      />
    </Stack>
  );
}

/** Step 1: the company, its address and its contact, the domain prefix checked while typing. */
function DetailsStep(props: {
  details: Details;
  onChange: (name: keyof Details, value: string) => void;
  errors: readonly PayloadError[];
  countries: ComboboxData;
  onNext: () => void;
}) {
  const { t } = useI18n();
  const domain = useDomainCheck(props.details.domainPrefix);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onNext();
      }}
    >
      <Stack mt="md">
        <Text size="sm" c="dimmed">
          {t('addCustomer.fieldsMarkedWithAnAsterisk')}
        </Text>
        <CustomerAccountFields
          fields={[
            { name: 'companyName', label: t('common.companyName'), required: true },
            {
              name: 'domainPrefix',
              label: t('common.domainPrefix'),
              kind: 'domain',
              required: true,
              description: domain.hint,
              hint: domain.taken,
            },
            { name: 'country', label: t('common.country'), kind: 'country', required: true },
            { name: 'addressLine1', label: t('common.addressLine1'), required: true },
            { name: 'addressLine2', label: t('addCustomer.addressLine2') },
            { name: 'city', label: t('common.city'), required: true },
            { name: 'postalCode', label: t('common.postalCode'), required: true },
            { name: 'region', label: t('addCustomer.region') },
            { name: 'contactFirstName', label: t('addCustomer.contactFirstName'), required: true },
            { name: 'contactLastName', label: t('addCustomer.contactLastName'), required: true },
            { name: 'contactEmail', label: t('addCustomer.contactEmail'), type: 'email', required: true },
            { name: 'contactPhone', label: t('addCustomer.contactPhone'), type: 'tel', required: true },
          ]}
          values={props.details}
          onChange={props.onChange}
          errors={props.errors}
          countries={props.countries}
        />
        <Group justify="flex-end">
          <Button type="submit">{t('common.next')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Step 2: the first subscription, an offer sold in the customer's country, and its seats. */
function OfferStep(props: {
  offers: readonly Offer[];
  loading: boolean;
  country: string;
  offerId: string | null;
  seats: number | string;
  onOffer: (offerId: string | null) => void;
  onSeats: (seats: number | string) => void;
  errors: readonly PayloadError[];
  reviewing: boolean;
  onBack: () => void;
  onReview: () => void;
}) {
  const { t, country, price } = useI18n();
  const offer = props.offers.find((candidate) => candidate.id === props.offerId) ?? null;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onReview();
      }}
    >
      <Stack mt="md" maw={480}>
        {props.loading && <Loader aria-label={t('addCustomer.loadingOffers')} />}
        <Select
          required
          label={t('common.offer')}
          data={props.offers.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
          value={props.offerId}
          onChange={(value) => {
            props.onOffer(value);
            const chosen = props.offers.find((candidate) => candidate.id === value);
            if (chosen) props.onSeats(Math.max(chosen.minQuantity, Math.min(Number(props.seats) || 1, chosen.maxQuantity)));
          }}
          description={
            props.country
              ? t('addCustomer.offersYourOrganisationMaySell', { country: country(props.country) })
              : t('addCustomer.offersForTheCustomersCountry')
          }
          nothingFoundMessage={t('addCustomer.noOfferForThisCountry')}
          error={fieldError(props.errors, 'subscription.offerId')}
        />
        <NumberInput
          label={t('addCustomer.numberOfSeats')}
          required
          min={offer?.minQuantity}
          max={offer?.maxQuantity}
          allowDecimal={false}
          allowNegative={false}
          value={props.seats}
          onChange={props.onSeats}
          description={
            offer
              ? t('addCustomer.betweenAndPerLicenceA', {
                  minQuantity: offer.minQuantity,
                  maxQuantity: offer.maxQuantity,
                  price: price(offer.unitPrice, offer.currency),
                })
              : undefined
          }
          error={fieldError(props.errors, 'subscription.quantity')}
        />
        <FormErrors errors={props.errors} shownFields={[...DETAIL_FIELDS, ...OFFER_FIELDS]} />
        <Group justify="space-between">
          <Button variant="default" onClick={props.onBack}>
            {t('common.back')}
          </Button>
          <Button type="submit" loading={props.reviewing} disabled={!props.offerId}>
            {t('common.next')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What the domain prefix field says while typing: the hint, checking, available, or why it cannot be had. */
function useDomainCheck(domainPrefix: string) {
  const { t } = useI18n();
  const [prefix] = useDebouncedValue(domainPrefix.trim().toLowerCase(), 300);
  const availability = useGraphQLQuery(DomainAvailableDocument, { prefix }, { enabled: prefix !== '' });
  const hint = (() => {
    if (!domainPrefix) return t('addCustomer.domainPrefixHint');
    if (prefix !== domainPrefix.trim().toLowerCase() || availability.isFetching) return t('addCustomer.checkingDomain');
    if (availability.data?.isDomainAvailable.available)
      return t('addCustomer.domainAvailable', { domain: availability.data.isDomainAvailable.domain ?? '' });
    return undefined;
  })();
  // The graph says why: a prefix that is not valid reads differently from one another tenant has.
  const unavailable = availability.data?.isDomainAvailable;
  const taken =
    unavailable && !unavailable.available && prefix === domainPrefix.trim().toLowerCase()
      ? unavailable.reason === 'TAKEN'
        ? t('addCustomer.domainTaken', { domain: `${prefix}.onmicrosoft.com` })
        : t('addCustomer.domainNotValid')
      : undefined;
  return { hint, taken };
}

/** Step 3: what the service will create (its dry run), each part with a way back to change it. */
function ReviewStep(props: {
  preview: Preview;
  details: Details;
  errors: readonly PayloadError[];
  creating: boolean;
  onEdit: (step: number) => void;
  onCreate: () => void;
}) {
  const { t, country } = useI18n();
  const labels = useLabels();
  return (
    <Stack mt="md">
      <Paper withBorder p="md" component="section" aria-labelledby="review-customer">
        <Group justify="space-between">
          <Title order={2} size="h4" id="review-customer">
            {t('common.customer')}
          </Title>
          <Button variant="subtle" size="xs" onClick={() => props.onEdit(0)}>
            {t('addCustomer.editDetails')}
          </Button>
        </Group>
        <Text size="sm">{props.preview.companyName}</Text>
        <Text size="sm">{t('addCustomer.domain', { defaultDomain: props.preview.defaultDomain })}</Text>
        <Text size="sm">{t('addCustomer.administrator', { adminUserName: props.preview.adminUserName })}</Text>
        <Text size="sm">
          {props.details.addressLine1}, {props.details.postalCode} {props.details.city}, {country(props.preview.country)}
        </Text>
        <Text size="sm">
          {t('addCustomer.contact', {
            contactFirstName: props.details.contactFirstName,
            contactLastName: props.details.contactLastName,
            contactEmail: props.details.contactEmail,
            contactPhone: props.details.contactPhone,
          })}
        </Text>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="review-offer">
        <Group justify="space-between">
          <Title order={2} size="h4" id="review-offer">
            {t('common.subscription')}
          </Title>
          <Button variant="subtle" size="xs" onClick={() => props.onEdit(1)}>
            {t('addCustomer.editOfferAndSeats')}
          </Button>
        </Group>
        <Text size="sm">
          {t('addCustomer.reviewSubscription', {
            offer: props.preview.subscription.offerName ?? '',
            licences: labels.licences(props.preview.subscription.quantity),
          })}
        </Text>
      </Paper>
      <FormErrors errors={props.errors} shownFields={[...DETAIL_FIELDS, ...OFFER_FIELDS]} />
      <Group justify="space-between">
        <Button variant="default" onClick={() => props.onEdit(1)}>
          {t('common.back')}
        </Button>
        <Button onClick={props.onCreate} loading={props.creating}>
          {t('addCustomer.createCustomer')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The new customer, followed from PROVISIONING to ACTIVE, or FAILED with its reason and a retry. */
export function Provisioning({ customerId, credentialsOpen }: { customerId: string; credentialsOpen: boolean }) {
  const { t } = useI18n();
  const labels = useLabels();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const retry = useGraphQLMutation(RetryDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const { data, error } = useGraphQLQuery(
    ProvisioningDocument,
    { id: customerId },
    {
      // PROVISIONING is followed closely; FAILED too, more slowly, as the background job also retries.
      refetchInterval: (query) => {
        const state = query.state.data?.customer?.provisioningState;
        return state === 'FAILED' ? 5_000 : untilSettled(state === 'ACTIVE', query.state.dataUpdateCount);
      },
    },
  );
  const customer = data?.customer;
  if (error)
    return (
      <Alert color="red">
        <ErrorMessage error={error} />
      </Alert>
    );
  if (!customer) return <Loader aria-label={t('addCustomer.loadingTheNewCustomer')} />;
  return (
    <Stack mt="md" aria-hidden={credentialsOpen || undefined}>
      <Alert
        role="status"
        color={customer.provisioningState === 'ACTIVE' ? 'green' : customer.provisioningState === 'FAILED' ? 'red' : 'yellow'}
        title={t('addCustomer.provisioningTitle', {
          companyName: customer.companyName,
          state: labels.provisioningState[customer.provisioningState],
        })}
        icon={customer.provisioningState === 'PROVISIONING' ? <Loader size="xs" /> : undefined}
      >
        {customer.provisioningState === 'PROVISIONING' && t('addCustomer.theTenantAndFirstSubscription')}
        {customer.provisioningState === 'ACTIVE' && t('addCustomer.theCustomerAccountAndIts')}
        {customer.provisioningState === 'FAILED' && (customer.provisioningError ?? t('addCustomer.provisioningFailed'))}
      </Alert>
      <FormErrors errors={errors} />
      <Group>
        {customer.provisioningState === 'FAILED' && (
          <Button
            loading={retry.isPending}
            onClick={async () => {
              const payload = (await retry.mutateAsync({ customerId })).retryCustomerProvisioning;
              setErrors(payloadErrors(payload.errors));
              void queryClient.invalidateQueries();
            }}
          >
            {t('common.retryProvisioning')}
          </Button>
        )}
        <Button
          variant={customer.provisioningState === 'ACTIVE' ? 'filled' : 'default'}
          onClick={() => navigate(`/customers/${customerId}`)}
        >
          {t('common.openCustomerPage')}
        </Button>
        <Button variant="default" onClick={() => navigate('/customers')}>
          {t('common.goToCustomerManagement')}
        </Button>
      </Group>
    </Stack>
  );
}
