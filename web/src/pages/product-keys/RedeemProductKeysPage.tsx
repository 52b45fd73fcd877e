import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, SimpleGrid, Stack, Stepper, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { graphql } from '../../__generated__';
import type { ProductKeyCustomerInput, ValidateProductKeysQuery } from '../../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError } from '../../components/errors';
import { licences } from '../../components/labels';
import { AdminCredentialsOnce } from '../../components/SecretOnce';
import { useCapabilities, useViewer } from '../../components/Viewer';
import { untilSettled, useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';
import { Provisioning } from '../AddCustomerPage';
import { splitProductKeys } from './keys';

const ValidateProductKeysDocument = graphql(`
  query ValidateProductKeys($keys: [String!]!) {
    validateProductKeys(keys: $keys) {
      input
      maskedKey
      status
      message
      seats
      termMonths
      offer {
        id
        name
        countries
      }
    }
  }
`);

const RedeemProductKeysDocument = graphql(`
  mutation RedeemProductKeys($keys: [String!]!, $customer: ProductKeyCustomerInput!, $idempotencyKey: String!) {
    redeemProductKeys(keys: $keys, customer: $customer, idempotencyKey: $idempotencyKey) {
      adminUserName
      temporaryPassword
      customer {
        id
      }
      redemption {
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

const RedemptionDocument = graphql(`
  query ProductKeyRedemption($id: ID!) {
    productKeyRedemption(id: $id) {
      id
      status
      adminUserName
      seats
      failure {
        code
        message
      }
      customer {
        id
      }
    }
  }
`);

type Validation = ValidateProductKeysQuery['validateProductKeys'][number];

const VALIDATION_STATUS = { VALID: 'Valid', ALREADY_REDEEMED: 'Already redeemed', MALFORMED: 'Not a product key', REVOKED: 'Revoked', UNKNOWN: 'Unknown' } as const;

const EMPTY: ProductKeyCustomerInput = {
  companyName: '',
  domainPrefix: '',
  country: '',
  addressLine1: '',
  city: '',
  postalCode: '',
  adminFirstName: '',
  adminLastName: '',
  adminEmail: '',
  adminPhone: '',
};
const DETAIL_FIELDS = Object.keys(EMPTY).map((field) => `customer.${field}`);

/** Redeem product keys (seed 003): keys → review → customer and admin → credentials once → followed to ACTIVE. */
export function RedeemProductKeysPage() {
  const { sellsProductKeys } = useCapabilities();
  const viewer = useViewer();
  const [step, setStep] = useState(0);
  const [text, setText] = useState('');
  const [keys, setKeys] = useState<string[]>([]);
  const [details, setDetails] = useState<ProductKeyCustomerInput>(EMPTY);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [created, setCreated] = useState<{ redemptionId: string | null; customerId: string | null; userName: string; password: string | null } | null>(null);
  const [credentialsOpen, setCredentialsOpen] = useState(false);
  // One key for the whole wizard: submitting twice redeems once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const wide = useMediaQuery('(min-width: 36em)', true);
  const named = (index: number) => wide || index === step;
  const validation = useGraphQLQuery(ValidateProductKeysDocument, { keys }, { enabled: keys.length > 0 && step >= 1, staleTime: 0 });
  const redeem = useGraphQLMutation(RedeemProductKeysDocument);

  if (!sellsProductKeys) {
    return <Alert color="gray" title="Not available">Product keys need the subscription-advisor programme and full customer access.</Alert>;
  }
  const results = validation.data?.validateProductKeys ?? [];
  const allValid = results.length > 0 && results.every((result) => result.status === 'VALID');
  const offers = new Set(results.map((result) => result.offer?.id));
  const offer = results[0]?.offer ?? null;
  const totalSeats = results.reduce((sum, result) => sum + (result.seats ?? 0), 0);
  const set = (field: keyof ProductKeyCustomerInput) => (event: React.ChangeEvent<HTMLInputElement>) => setDetails({ ...details, [field]: event.currentTarget.value });

  const submit = async () => {
    const customer = Object.fromEntries(Object.entries(details).map(([field, value]) => [field, value === '' ? null : value])) as unknown as ProductKeyCustomerInput;
    const payload = (await redeem.mutateAsync({ keys, customer, idempotencyKey })).redeemProductKeys;
    setErrors(payload.errors);
    if (payload.errors.length > 0) {
      if (payload.errors.some((error) => error.field === 'keys' || error.field?.startsWith('keys'))) setStep(1);
      return;
    }
    setCreated({
      redemptionId: payload.redemption?.id ?? null,
      customerId: payload.customer?.id ?? null,
      userName: payload.adminUserName ?? '',
      password: payload.temporaryPassword ?? null,
    });
    setCredentialsOpen(payload.temporaryPassword != null);
    setStep(3);
  };

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/product-keys" size="sm">
        Back to product keys
      </Anchor>
      <Title order={1} size="h2">
        Redeem product keys
      </Title>
      <Stepper active={step} onStepClick={(target) => target < step && step < 3 && setStep(target)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={named(0) ? 'Keys' : undefined} description={wide ? 'One or more' : undefined} aria-label="Keys">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setKeys(splitProductKeys(text));
              setStep(1);
            }}
          >
            <Stack mt="md" maw={560}>
              <Textarea
                label="Product keys"
                description="One key per line (or separated by commas), with or without hyphens, in any case. All keys must be of the same offer."
                autosize
                minRows={4}
                required
                value={text}
                onChange={(event) => setText(event.currentTarget.value)}
                styles={{ input: { fontFamily: 'monospace' } }}
              />
              <Group justify="flex-end">
                <Button type="submit" disabled={splitProductKeys(text).length === 0}>
                  Review keys
                </Button>
              </Group>
            </Stack>
          </form>
        </Stepper.Step>
        <Stepper.Step label={named(1) ? 'Review' : undefined} description={wide ? 'State and seats' : undefined} aria-label="Review">
          <Stack mt="md">
            {validation.isFetching && <Loader aria-label="Checking the keys" />}
            {validation.error && <Alert color="red">{validation.error.message}</Alert>}
            {results.length > 0 && <KeyReview results={results} />}
            {results.length > 0 && !allValid && <Alert color="orange">Remove or correct the keys that cannot be redeemed, then review again.</Alert>}
            {allValid && offers.size > 1 && <Alert color="orange">All keys of one redemption must be of the same offer.</Alert>}
            {allValid && offers.size === 1 && (
              <Text size="sm">
                {offer?.name}: {licences(totalSeats)} in one new subscription.
              </Text>
            )}
            <FormErrors errors={errors.filter((error) => !DETAIL_FIELDS.includes(error.field ?? ''))} />
            <Group justify="space-between">
              <Button variant="default" onClick={() => setStep(0)}>
                Edit keys
              </Button>
              <Button
                disabled={!allValid || offers.size !== 1 || validation.isFetching}
                onClick={() => {
                  if (offer?.countries.length === 1 && !details.country) setDetails({ ...details, country: offer.countries[0] ?? '' });
                  setStep(2);
                }}
              >
                Next
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={named(2) ? 'Customer' : undefined} description={wide ? 'Company and administrator' : undefined} aria-label="Customer">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <Stack mt="md">
              <Text size="sm" c="dimmed">
                The keys create a new customer account with {viewer.partner.companyName} as its advisor. Fields marked with an asterisk are required.
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label="Company name" required value={details.companyName} onChange={set('companyName')} error={fieldError(errors, 'companyName')} />
                <TextInput
                  label="Domain prefix"
                  value={details.domainPrefix ?? ''}
                  onChange={set('domainPrefix')}
                  rightSection={<Text size="xs" c="dimmed" pr="xs">.onmicrosoft.com</Text>}
                  rightSectionWidth={120}
                  description="Empty to derive it from the company name"
                  error={fieldError(errors, 'domainPrefix')}
                />
                <Select
                  label="Country"
                  required
                  searchable
                  data={offer?.countries ?? []}
                  value={details.country || null}
                  onChange={(value) => setDetails({ ...details, country: value ?? '' })}
                  description={offer ? `Where ${offer.name} is sold` : undefined}
                  error={fieldError(errors, 'country')}
                />
                <TextInput label="Address line 1" value={details.addressLine1 ?? ''} onChange={set('addressLine1')} error={fieldError(errors, 'addressLine1')} />
                <TextInput label="City" value={details.city ?? ''} onChange={set('city')} error={fieldError(errors, 'city')} />
                <TextInput label="Postal code" value={details.postalCode ?? ''} onChange={set('postalCode')} error={fieldError(errors, 'postalCode')} />
                <TextInput label="Administrator first name" required value={details.adminFirstName} onChange={set('adminFirstName')} error={fieldError(errors, 'adminFirstName')} />
                <TextInput label="Administrator last name" required value={details.adminLastName} onChange={set('adminLastName')} error={fieldError(errors, 'adminLastName')} />
                <TextInput label="Administrator email" type="email" required value={details.adminEmail} onChange={set('adminEmail')} error={fieldError(errors, 'adminEmail')} />
                <TextInput label="Administrator phone" type="tel" value={details.adminPhone ?? ''} onChange={set('adminPhone')} error={fieldError(errors, 'adminPhone')} />
              </SimpleGrid>
              <Paper withBorder p="sm">
                <Text size="sm">
                  {results.length} {results.length === 1 ? 'key' : 'keys'}: {offer?.name}, {licences(totalSeats)}
                </Text>
              </Paper>
              <FormErrors errors={errors} shownFields={Object.keys(EMPTY)} />
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(1)}>
                  Back
                </Button>
                <Button type="submit" loading={redeem.isPending}>
                  Redeem keys
                </Button>
              </Group>
            </Stack>
          </form>
        </Stepper.Step>
        <Stepper.Completed>
          {created && (
            <Redemption
              created={created}
              credentialsOpen={credentialsOpen}
              onAdminUserName={(userName) => setCreated((current) => (current && !current.userName ? { ...current, userName } : current))}
            />
          )}
        </Stepper.Completed>
      </Stepper>
      {/* The password is shown by the mutation at once; the dialog opens with it once the account (and so its sign-in name) exists. */}
      <AdminCredentialsOnce
        opened={credentialsOpen && Boolean(created?.userName)}
        title="Keys redeemed: the administrator's credentials"
        userName={created?.userName}
        password={created?.password ?? null}
        onDone={() => setCredentialsOpen(false)}
      />
    </Stack>
  );
}

function KeyReview({ results }: { results: readonly Validation[] }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label="Keys to redeem">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Offer</Table.Th>
            <Table.Th>Seats</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {results.map((result, index) => (
            <Table.Tr key={`${index}-${result.input}`}>
              <Table.Td style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{result.maskedKey ?? result.input}</Table.Td>
              <Table.Td>
                <Badge color={result.status === 'VALID' ? 'green' : 'red'}>{VALIDATION_STATUS[result.status]}</Badge>
                {result.message && (
                  <Text size="xs" c="dimmed">
                    {result.message}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{result.offer?.name ?? '—'}</Table.Td>
              <Table.Td>{result.seats != null ? `${licences(result.seats)}, ${result.termMonths} months` : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The redemption answers at once, PENDING (the account and its subscription follow in the
 * background): it is followed until COMPLETED or FAILED, then the customer until ACTIVE.
 */
function Redemption({
  created,
  credentialsOpen,
  onAdminUserName,
}: {
  created: { redemptionId: string | null; customerId: string | null };
  credentialsOpen: boolean;
  onAdminUserName: (userName: string) => void;
}) {
  const { data, error } = useGraphQLQuery(
    RedemptionDocument,
    { id: created.redemptionId ?? '' },
    {
      enabled: created.redemptionId != null,
      refetchInterval: (query) => {
        const status = query.state.data?.productKeyRedemption?.status;
        return untilSettled(status === 'COMPLETED' || status === 'FAILED', query.state.dataUpdateCount);
      },
    },
  );
  const redemption = data?.productKeyRedemption;
  const status = redemption?.status;
  const adminUserName = redemption?.adminUserName;
  useEffect(() => {
    if (adminUserName) onAdminUserName(adminUserName);
  }, [adminUserName, onAdminUserName]);
  // The keys' states and the customer list change with the redemption.
  const queryClient = useQueryClient();
  useEffect(() => {
    if (status === 'COMPLETED' || status === 'FAILED') void queryClient.invalidateQueries();
  }, [status, queryClient]);
  const customerId = redemption?.customer?.id ?? created.customerId;
  if (error) return <Alert color="red">{error.message}</Alert>;
  if (redemption?.status === 'FAILED') {
    return (
      <Alert color="red" role="status" title="The keys were not redeemed" mt="md">
        {redemption.failure?.message ?? 'The redemption failed.'} The keys were released and can be redeemed again.
      </Alert>
    );
  }
  if (created.redemptionId && redemption?.status !== 'COMPLETED') {
    return (
      <Alert color="yellow" role="status" title="Redeeming the keys" icon={<Loader size="xs" />} mt="md" aria-hidden={credentialsOpen || undefined}>
        {redemption?.status === 'ACCOUNT_CREATED' ? 'The customer account is created; its subscription follows in a moment.' : 'The keys are reserved; the customer account is being created.'}
      </Alert>
    );
  }
  if (!customerId) return null;
  return <Provisioning customerId={customerId} credentialsOpen={credentialsOpen} />;
}
