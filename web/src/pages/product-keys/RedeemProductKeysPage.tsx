import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Stepper, Table, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { graphql } from '../../__generated__';
import type { ProductKeyCustomerInput, ValidateProductKeysQuery } from '../../__generated__/graphql';
import { CustomerAccountFields } from '../../components/CustomerAccountFields';
import { ErrorMessage, FormErrors, type PayloadError, payloadErrors } from '../../components/errors';
import { useLabels } from '../../components/labels';
import { AdminCredentialsOnce } from '../../components/SecretOnce';
import { useCapabilities, useViewer } from '../../components/Viewer';
import { untilSettled, useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../../graphql/hooks';
import { Provisioning } from '../AddCustomerPage';
import { splitProductKeys } from './keys';
import { useI18n } from '../../i18n/I18nProvider';

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
        ...PayloadErrorFields
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
  const { t } = useI18n();
  const { sellsProductKeys } = useCapabilities();
  const [step, setStep] = useState(0);
  const [text, setText] = useState('');
  const [keys, setKeys] = useState<string[]>([]);
  const [details, setDetails] = useState<ProductKeyCustomerInput>(EMPTY);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [created, setCreated] = useState<{
    redemptionId: string | null;
    customerId: string | null;
    userName: string;
    password: string | null;
  } | null>(null);
  const [credentialsOpen, setCredentialsOpen] = useState(false);
  // One key for the whole wizard: submitting twice redeems once.
  const [idempotencyKey] = useIdempotencyKey();
  const wide = useMediaQuery('(min-width: 36em)', true);
  const named = (index: number) => wide || index === step;
  const validation = useGraphQLQuery(ValidateProductKeysDocument, { keys }, { enabled: keys.length > 0 && step >= 1, staleTime: 0 });
  const redeem = useGraphQLMutation(RedeemProductKeysDocument);

  if (!sellsProductKeys) {
    return (
      <Alert color="gray" title={t('common.notAvailable')}>
        {t('redeemProductKeys.productKeysNeedTheSubscription')}
      </Alert>
    );
  }
  const results = validation.data?.validateProductKeys ?? [];
  const offer = results[0]?.offer ?? null;
  const totalSeats = results.reduce((sum, result) => sum + (result.seats ?? 0), 0);
  const submit = async () => {
    const customer = Object.fromEntries(
      Object.entries(details).map(([field, value]) => [field, value === '' ? null : value]),
    ) as unknown as ProductKeyCustomerInput;
    const payload = (await redeem.mutateAsync({ keys, customer, idempotencyKey })).redeemProductKeys;
    const errors = payloadErrors(payload.errors);
    setErrors(errors);
    if (errors.length > 0) {
      if (errors.some((error) => error.field === 'keys' || error.field?.startsWith('keys'))) setStep(1);
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
        {t('redeemProductKeys.backToProductKeys')}
      </Anchor>
      <Title order={1} size="h2">
        {t('common.redeemProductKeys')}
      </Title>
      <Stepper active={step} onStepClick={(target) => target < step && step < 3 && setStep(target)} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step
          label={named(0) ? t('redeemProductKeys.keys') : undefined}
          description={wide ? t('redeemProductKeys.oneOrMore') : undefined}
          aria-label={t('redeemProductKeys.keys')}
        >
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setKeys(splitProductKeys(text));
              setStep(1);
            }}
          >
            <Stack mt="md" maw={560}>
              <Textarea
                label={t('common.productKeys')}
                description={t('redeemProductKeys.oneKeyPerLineOr')}
                autosize
                minRows={4}
                required
                value={text}
                onChange={(event) => setText(event.currentTarget.value)}
                styles={{ input: { fontFamily: 'monospace' } }}
              />
              <Group justify="flex-end">
                <Button type="submit" disabled={splitProductKeys(text).length === 0}>
                  {t('redeemProductKeys.reviewKeys')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Stepper.Step>
        <Stepper.Step
          label={named(1) ? t('common.review') : undefined}
          description={wide ? t('redeemProductKeys.stateAndSeats') : undefined}
          aria-label={t('common.review')}
        >
          <ReviewStep
            checking={validation.isFetching}
            error={validation.error}
            results={results}
            errors={errors}
            onEdit={() => setStep(0)}
            onNext={() => {
              if (offer?.countries.length === 1 && !details.country) setDetails({ ...details, country: offer.countries[0] ?? '' });
              setStep(2);
            }}
          />
        </Stepper.Step>
        <Stepper.Step
          label={named(2) ? t('common.customer') : undefined}
          description={wide ? t('redeemProductKeys.companyAndAdministrator') : undefined}
          aria-label={t('common.customer')}
        >
          <CustomerStep
            details={details}
            onChange={(name, value) => setDetails((current) => ({ ...current, [name]: value }))}
            errors={errors}
            offer={offer}
            keyCount={results.length}
            totalSeats={totalSeats}
            redeeming={redeem.isPending}
            onBack={() => setStep(1)}
            onRedeem={() => void submit()}
          />
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
        title={t('redeemProductKeys.keysRedeemedTheAdministratorS')}
        userName={created?.userName}
        password={created?.password ?? null}
        onDone={() => setCredentialsOpen(false)}
      />
    </Stack>
  );
}

/** Step 2: each key's state and seats; the keys go on only when all are valid and of one offer. */
function ReviewStep(props: {
  checking: boolean;
  error: Error | null;
  results: readonly Validation[];
  errors: readonly PayloadError[];
  onEdit: () => void;
  onNext: () => void;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const allValid = props.results.length > 0 && props.results.every((result) => result.status === 'VALID');
  const offers = new Set(props.results.map((result) => result.offer?.id));
  const offer = props.results[0]?.offer ?? null;
  const totalSeats = props.results.reduce((sum, result) => sum + (result.seats ?? 0), 0);
  return (
    <Stack mt="md">
      {props.checking && <Loader aria-label={t('redeemProductKeys.checkingTheKeys')} />}
      {props.error && (
        <Alert color="red">
          <ErrorMessage error={props.error} />
        </Alert>
      )}
      {props.results.length > 0 && <KeyReview results={props.results} />}
      {props.results.length > 0 && !allValid && <Alert color="orange">{t('redeemProductKeys.removeOrCorrectTheKeys')}</Alert>}
      {allValid && offers.size > 1 && <Alert color="orange">{t('redeemProductKeys.allKeysOfOneRedemption')}</Alert>}
      {allValid && offers.size === 1 && (
        <Text size="sm">
          {t('redeemProductKeys.inOneNewSubscription', { name: offer?.name ?? '', licences: labels.licences(totalSeats) })}
        </Text>
      )}
      <FormErrors errors={props.errors.filter((error) => !DETAIL_FIELDS.includes(error.field ?? ''))} />
      <Group justify="space-between">
        <Button variant="default" onClick={props.onEdit}>
          {t('redeemProductKeys.editKeys')}
        </Button>
        <Button disabled={!allValid || offers.size !== 1 || props.checking} onClick={props.onNext}>
          {t('common.next')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Step 3: the new customer's company and its administrator, who receives the keys' subscription. */
function CustomerStep(props: {
  details: ProductKeyCustomerInput;
  onChange: (name: keyof ProductKeyCustomerInput, value: string) => void;
  errors: readonly PayloadError[];
  offer: Validation['offer'];
  keyCount: number;
  totalSeats: number;
  redeeming: boolean;
  onBack: () => void;
  onRedeem: () => void;
}) {
  const { t, countryOptions } = useI18n();
  const labels = useLabels();
  const viewer = useViewer();
  const { offer } = props;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onRedeem();
      }}
    >
      <Stack mt="md">
        <Text c="dimmed" size="sm">
          {t('redeemProductKeys.theKeysCreateANew', { companyName: viewer.partner.companyName })}
        </Text>
        <CustomerAccountFields
          fields={[
            { name: 'companyName', label: t('common.companyName'), required: true },
            {
              name: 'domainPrefix',
              label: t('common.domainPrefix'),
              kind: 'domain',
              description: t('redeemProductKeys.emptyToDeriveItFrom'),
            },
            {
              name: 'country',
              label: t('common.country'),
              kind: 'country',
              required: true,
              description: offer ? t('redeemProductKeys.whereIsSold', { name: offer.name }) : undefined,
            },
            { name: 'addressLine1', label: t('common.addressLine1') },
            { name: 'city', label: t('common.city') },
            { name: 'postalCode', label: t('common.postalCode') },
            { name: 'adminFirstName', label: t('redeemProductKeys.administratorFirstName'), required: true },
            { name: 'adminLastName', label: t('redeemProductKeys.administratorLastName'), required: true },
            { name: 'adminEmail', label: t('redeemProductKeys.administratorEmail'), type: 'email', required: true },
            { name: 'adminPhone', label: t('redeemProductKeys.administratorPhone'), type: 'tel' },
          ]}
          values={props.details}
          onChange={props.onChange}
          errors={props.errors}
          countries={countryOptions(offer?.countries ?? [])}
        />
        <Paper withBorder p="sm">
          <Text size="sm">
            {t('redeemProductKeys.summary', {
              count: props.keyCount,
              offer: offer?.name ?? '',
              licences: labels.licences(props.totalSeats),
            })}
          </Text>
        </Paper>
        <FormErrors errors={props.errors} shownFields={Object.keys(EMPTY)} />
        <Group justify="space-between">
          <Button variant="default" onClick={props.onBack}>
            {t('common.back')}
          </Button>
          <Button type="submit" loading={props.redeeming}>
            {t('redeemProductKeys.redeemKeys')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function KeyReview({ results }: { results: readonly Validation[] }) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={t('redeemProductKeys.keysToRedeem')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.key')}</Table.Th>
            <Table.Th>{t('common.state')}</Table.Th>
            <Table.Th>{t('common.offer')}</Table.Th>
            <Table.Th>{t('common.seats')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {results.map((result, index) => (
            <Table.Tr key={`${index}-${result.input}`}>
              <Table.Td style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{result.maskedKey ?? result.input}</Table.Td>
              <Table.Td>
                <Badge color={result.status === 'VALID' ? 'green' : 'red'}>{t(`redeemProductKeys.status.${result.status}`)}</Badge>
              </Table.Td>
              <Table.Td>{result.offer?.name ?? '—'}</Table.Td>
              <Table.Td>
                {result.seats != null
                  ? t('redeemProductKeys.months', { licences: labels.licences(result.seats), months: result.termMonths ?? 0 })
                  : '—'}
              </Table.Td>
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
  const { t } = useI18n();
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
  if (error)
    return (
      <Alert color="red">
        <ErrorMessage error={error} />
      </Alert>
    );
  if (redemption?.status === 'FAILED') {
    return (
      <Alert color="red" role="status" title={t('redeemProductKeys.theKeysWereNotRedeemed')} mt="md">
        {redemption.failure ? <ErrorMessage error={redemption.failure} /> : t('redeemProductKeys.theRedemptionFailed')}{' '}
        {t('redeemProductKeys.theKeysWereReleasedAnd')}
      </Alert>
    );
  }
  if (created.redemptionId && redemption?.status !== 'COMPLETED') {
    return (
      <Alert
        color="yellow"
        role="status"
        title={t('redeemProductKeys.redeemingTheKeys')}
        icon={<Loader size="xs" />}
        mt="md"
        aria-hidden={credentialsOpen || undefined}
      >
        {redemption?.status === 'ACCOUNT_CREATED'
          ? t('redeemProductKeys.theCustomerAccountIsCreated')
          : t('redeemProductKeys.theKeysAreReservedThe')}
      </Alert>
    );
  }
  if (!customerId) return null;
  return <Provisioning customerId={customerId} credentialsOpen={credentialsOpen} />;
}
