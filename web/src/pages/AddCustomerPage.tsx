import { Alert, Anchor, Button, Group, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Stepper, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import type { CreateCustomerInput, CreateCustomerMutation } from '../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError } from '../components/errors';
import { licences, PROVISIONING_STATE } from '../components/labels';
import { AdminCredentialsOnce } from '../components/SecretOnce';
import { useCapabilities } from '../components/Viewer';
import { untilSettled, useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';

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
        code
        message
        field
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
        code
        message
        field
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

/** Add customer (seed 002): details → offer and seats → review → credentials once → provisioning followed. */
export function AddCustomerPage() {
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
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const create = useGraphQLMutation(CreateCustomerDocument);
  // On a phone only the current step is named, so the three steps fit on one line.
  const wide = useMediaQuery('(min-width: 36em)', true);
  const named = (index: number) => wide || index === step;

  const allOffers = useGraphQLQuery(SellableOffersDocument, { country: null });
  const countryOffers = useGraphQLQuery(SellableOffersDocument, { country: details.country || null }, { enabled: details.country !== '' });
  const countries = useMemo(() => [...new Set(allOffers.data?.offers.edges.flatMap((edge) => edge.node.countries) ?? [])].sort(), [allOffers.data]);
  // A first subscription is a paid offer with no prerequisite (trials go through invitations), as the graph marks them.
  const offers = (countryOffers.data?.offers.edges ?? []).map((edge) => edge.node).filter((offer) => !offer.isTrial && !offer.isAddOn);
  const offer = offers.find((candidate) => candidate.id === offerId) ?? null;

  const [prefix] = useDebouncedValue(details.domainPrefix.trim().toLowerCase(), 300);
  const availability = useGraphQLQuery(DomainAvailableDocument, { prefix }, { enabled: prefix !== '' });

  if (!createsCustomers) {
    return <Alert color="gray" title="Not available">Creating customer accounts needs the reseller programme and full customer access.</Alert>;
  }

  const set = (field: keyof Details) => (event: React.ChangeEvent<HTMLInputElement>) => setDetails({ ...details, [field]: event.currentTarget.value });
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
    setErrors(payload.errors);
    if (payload.errors.length > 0) return goToErrors(payload.errors);
    setPreview(payload.preview ?? null);
    setStep(2);
  };
  const submit = async () => {
    const payload = (await create.mutateAsync({ input: input(), idempotencyKey, dryRun: false })).createCustomer;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return goToErrors(payload.errors);
    if (!payload.customer || !payload.credentials) return;
    setCreated({ id: payload.customer.id, userName: payload.credentials.userName, password: payload.credentials.temporaryPassword ?? null });
    setCredentialsOpen(true);
    setStep(3);
  };

  const domainHint = (() => {
    if (!details.domainPrefix) return 'Letters, digits and inner hyphens: <prefix>.onmicrosoft.com';
    if (prefix !== details.domainPrefix.trim().toLowerCase() || availability.isFetching) return 'Checking…';
    if (availability.data?.isDomainAvailable.available) return `${availability.data.isDomainAvailable.domain} is available`;
    return undefined;
  })();
  // The graph says why: a prefix that is not valid reads differently from one another tenant has.
  const unavailable = availability.data?.isDomainAvailable;
  const domainTaken =
    unavailable && !unavailable.available && prefix === details.domainPrefix.trim().toLowerCase()
      ? (unavailable.message ?? (unavailable.reason === 'TAKEN' ? `${prefix}.onmicrosoft.com is already taken` : 'Not a valid domain prefix'))
      : undefined;

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/customers" size="sm">
        Back to customers
      </Anchor>
      <Title order={1} size="h2">
        Add customer
      </Title>
      <Stepper active={step} onStepClick={(target) => target < step && step < 3 && setStep(target)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={named(0) ? 'Details' : undefined} description={wide ? 'Company and contact' : undefined} aria-label="Details">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setStep(1);
            }}
          >
            <Stack mt="md">
              <Text size="sm" c="dimmed">
                Fields marked with an asterisk are required.
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label="Company name" required value={details.companyName} onChange={set('companyName')} error={fieldError(errors, 'companyName')} />
                <TextInput
                  label="Domain prefix"
                  required
                  value={details.domainPrefix}
                  onChange={set('domainPrefix')}
                  rightSection={<Text size="xs" c="dimmed" pr="xs">.onmicrosoft.com</Text>}
                  rightSectionWidth={120}
                  description={domainHint}
                  error={fieldError(errors, 'domainPrefix') ?? domainTaken}
                />
                <Select
                  label="Country"
                  required
                  searchable
                  data={countries}
                  value={details.country || null}
                  onChange={(value) => {
                    setDetails({ ...details, country: value ?? '' });
                    setOfferId(null);
                  }}
                  error={fieldError(errors, 'country')}
                />
                <TextInput label="Address line 1" required value={details.addressLine1} onChange={set('addressLine1')} error={fieldError(errors, 'addressLine1')} />
                <TextInput label="Address line 2" value={details.addressLine2 ?? ''} onChange={set('addressLine2')} />
                <TextInput label="City" required value={details.city} onChange={set('city')} error={fieldError(errors, 'city')} />
                <TextInput label="Postal code" required value={details.postalCode} onChange={set('postalCode')} error={fieldError(errors, 'postalCode')} />
                <TextInput label="Region" value={details.region ?? ''} onChange={set('region')} />
                <TextInput label="Contact first name" required value={details.contactFirstName} onChange={set('contactFirstName')} error={fieldError(errors, 'contactFirstName')} />
                <TextInput label="Contact last name" required value={details.contactLastName} onChange={set('contactLastName')} error={fieldError(errors, 'contactLastName')} />
                <TextInput label="Contact email" type="email" required value={details.contactEmail} onChange={set('contactEmail')} error={fieldError(errors, 'contactEmail')} />
                <TextInput label="Contact phone" type="tel" required value={details.contactPhone} onChange={set('contactPhone')} error={fieldError(errors, 'contactPhone')} />
              </SimpleGrid>
              <Group justify="flex-end">
                <Button type="submit">Next</Button>
              </Group>
            </Stack>
          </form>
        </Stepper.Step>
        <Stepper.Step label={named(1) ? 'Offer and seats' : undefined} description={wide ? 'First subscription' : undefined} aria-label="Offer and seats">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void review();
            }}
          >
            <Stack mt="md" maw={480}>
              {countryOffers.isPending && <Loader aria-label="Loading offers" />}
              <Select
                label="Offer"
                required
                data={offers.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
                value={offerId}
                onChange={(value) => {
                  setOfferId(value);
                  const chosen = offers.find((candidate) => candidate.id === value);
                  if (chosen) setSeats(Math.max(chosen.minQuantity, Math.min(Number(seats) || 1, chosen.maxQuantity)));
                }}
                description={`Offers your organisation may sell in ${details.country || 'the customer’s country'}`}
                nothingFoundMessage="No offer for this country"
                error={fieldError(errors, 'subscription.offerId')}
              />
              <NumberInput
                label="Number of seats"
                required
                min={offer?.minQuantity}
                max={offer?.maxQuantity}
                allowDecimal={false}
                allowNegative={false}
                value={seats}
                onChange={setSeats}
                description={offer ? `Between ${offer.minQuantity} and ${offer.maxQuantity}; ${offer.unitPrice.toFixed(2)} ${offer.currency} per licence a month` : undefined}
                error={fieldError(errors, 'subscription.quantity')}
              />
              <FormErrors errors={errors} shownFields={[...DETAIL_FIELDS, ...OFFER_FIELDS]} />
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(0)}>
                  Back
                </Button>
                <Button type="submit" loading={create.isPending} disabled={!offerId}>
                  Next
                </Button>
              </Group>
            </Stack>
          </form>
        </Stepper.Step>
        <Stepper.Step label={named(2) ? 'Review' : undefined} description={wide ? 'Check and submit' : undefined} aria-label="Review">
          {preview && (
            <Stack mt="md">
              <Paper withBorder p="md" component="section" aria-labelledby="review-customer">
                <Group justify="space-between">
                  <Title order={2} size="h4" id="review-customer">
                    Customer
                  </Title>
                  <Button variant="subtle" size="xs" onClick={() => setStep(0)}>
                    Edit details
                  </Button>
                </Group>
                <Text size="sm">{preview.companyName}</Text>
                <Text size="sm">Domain: {preview.defaultDomain}</Text>
                <Text size="sm">Administrator: {preview.adminUserName}</Text>
                <Text size="sm">
                  {details.addressLine1}, {details.postalCode} {details.city}, {preview.country}
                </Text>
                <Text size="sm">
                  Contact: {details.contactFirstName} {details.contactLastName}, {details.contactEmail}, {details.contactPhone}
                </Text>
              </Paper>
              <Paper withBorder p="md" component="section" aria-labelledby="review-offer">
                <Group justify="space-between">
                  <Title order={2} size="h4" id="review-offer">
                    Subscription
                  </Title>
                  <Button variant="subtle" size="xs" onClick={() => setStep(1)}>
                    Edit offer and seats
                  </Button>
                </Group>
                <Text size="sm">
                  {preview.subscription.offerName}: {licences(preview.subscription.quantity)}
                </Text>
              </Paper>
              <FormErrors errors={errors} shownFields={[...DETAIL_FIELDS, ...OFFER_FIELDS]} />
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(1)}>
                  Back
                </Button>
                <Button onClick={() => void submit()} loading={create.isPending}>
                  Create customer
                </Button>
              </Group>
            </Stack>
          )}
        </Stepper.Step>
        <Stepper.Completed>
          {created && <Provisioning customerId={created.id} credentialsOpen={credentialsOpen} />}
        </Stepper.Completed>
      </Stepper>
      <AdminCredentialsOnce
        opened={credentialsOpen}
        title="Customer created: the administrator's credentials"
        userName={created?.userName}
        password={created?.password ?? null}
        onDone={() => setCredentialsOpen(false)}
      />
    </Stack>
  );
}

/** The new customer, followed from PROVISIONING to ACTIVE, or FAILED with its reason and a retry. */
export function Provisioning({ customerId, credentialsOpen }: { customerId: string; credentialsOpen: boolean }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const retry = useGraphQLMutation(RetryDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const { data, error } = useGraphQLQuery(ProvisioningDocument, { id: customerId }, {
      // PROVISIONING is followed closely; FAILED too, more slowly, as the background job also retries.
      refetchInterval: (query) => {
        const state = query.state.data?.customer?.provisioningState;
        return state === 'FAILED' ? 5_000 : untilSettled(state === 'ACTIVE', query.state.dataUpdateCount);
      },
    });
  const customer = data?.customer;
  if (error) return <Alert color="red">{error.message}</Alert>;
  if (!customer) return <Loader aria-label="Loading the new customer" />;
  return (
    <Stack mt="md" aria-hidden={credentialsOpen || undefined}>
      <Alert
        role="status"
        color={customer.provisioningState === 'ACTIVE' ? 'green' : customer.provisioningState === 'FAILED' ? 'red' : 'yellow'}
        title={`${customer.companyName}: ${PROVISIONING_STATE[customer.provisioningState]}`}
        icon={customer.provisioningState === 'PROVISIONING' ? <Loader size="xs" /> : undefined}
      >
        {customer.provisioningState === 'PROVISIONING' && 'The tenant and first subscription are being created. This takes a moment.'}
        {customer.provisioningState === 'ACTIVE' && 'The customer account and its subscription are ready.'}
        {customer.provisioningState === 'FAILED' && (customer.provisioningError ?? 'Provisioning failed.')}
      </Alert>
      <FormErrors errors={errors} />
      <Group>
        {customer.provisioningState === 'FAILED' && (
          <Button
            loading={retry.isPending}
            onClick={async () => {
              const payload = (await retry.mutateAsync({ customerId })).retryCustomerProvisioning;
              setErrors(payload.errors);
              void queryClient.invalidateQueries();
            }}
          >
            Retry provisioning
          </Button>
        )}
        <Button variant={customer.provisioningState === 'ACTIVE' ? 'filled' : 'default'} onClick={() => navigate(`/customers/${customerId}`)}>
          Open customer page
        </Button>
        <Button variant="default" onClick={() => navigate('/customers')}>
          Go to customer management
        </Button>
      </Group>
    </Stack>
  );
}
