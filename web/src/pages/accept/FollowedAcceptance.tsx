import { Alert, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import { ErrorMessage, type PayloadError } from '../../components/errors';
import { useLabels } from '../../components/labels';
import { untilSettled, useGraphQLQuery } from '../../graphql/hooks';
import { useCustomerLanguage, useI18n } from '../../i18n/I18nProvider';
import { Credential, CustomerFrame } from './CustomerFrame';

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

/** What the mutation answered, once: the acceptance to follow and the secrets made for it. */
export interface Started {
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
export function FollowedAcceptance(props: {
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
export function Accepted(props: {
  acceptance: FragmentType<typeof AcceptanceFragment>;
  started: Started;
  lines: readonly { offerId: string; name: string; quantity: number }[];
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
