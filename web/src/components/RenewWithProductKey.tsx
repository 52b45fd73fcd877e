import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { graphql } from '../__generated__';
import { untilSettled, useGraphQLMutation, useGraphQLQuery } from '../graphql/hooks';
import { fieldError, FormErrors, type PayloadError, payloadErrors } from './errors';
import { useLabels } from './labels';
import { useI18n } from '../i18n/I18nProvider';

const RenewWithProductKeyDocument = graphql(`
  mutation RenewSubscriptionWithProductKey($subscriptionId: ID!, $key: String!) {
    renewSubscriptionWithProductKey(subscriptionId: $subscriptionId, key: $key) {
      redemption {
        id
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

/** The renewal's progress: the mutation answers at once, the subscription subgraph extends the term in the background. */
const RenewalDocument = graphql(`
  query Renewal($id: ID!) {
    productKeyRedemption(id: $id) {
      id
      status
      failure {
        code
        message
        field
      }
      subscription {
        id
        endDate
      }
    }
  }
`);

/** Renew with a product key (seed 003): the key's term extends the end date; shown only when `allowedActions` has RENEW_WITH_PRODUCT_KEY. */
export function RenewWithProductKey({ subscriptionId, onChanged }: { subscriptionId: string; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [renewalId, setRenewalId] = useState<string | null>(null);
  const renew = useGraphQLMutation(RenewWithProductKeyDocument);
  const renewal = useGraphQLQuery(
    RenewalDocument,
    { id: renewalId ?? '' },
    {
      enabled: renewalId != null,
      refetchInterval: (query) => {
        const status = query.state.data?.productKeyRedemption?.status;
        return untilSettled(status === 'COMPLETED' || status === 'FAILED', query.state.dataUpdateCount);
      },
    },
  );
  const progress = renewalId ? renewal.data?.productKeyRedemption : undefined;
  useEffect(() => {
    if (progress?.status === 'COMPLETED') {
      const endDate = progress.subscription?.endDate;
      notifications.show({
        color: 'green',
        message: endDate
          ? t('renewWithProductKey.renewedTheSubscriptionNowEnds', { formatDate: labels.date(endDate) })
          : t('renewWithProductKey.renewed'),
      });
      setRenewalId(null);
      onChanged();
    } else if (progress?.status === 'FAILED') {
      setErrors(progress.failure ? [progress.failure] : []);
      setRenewalId(null);
    }
  }, [progress, onChanged]);
  const submit = async () => {
    const payload = (await renew.mutateAsync({ subscriptionId, key })).renewSubscriptionWithProductKey;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    setKey('');
    setRenewalId(payload.redemption?.id ?? null);
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="renew-with-key">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="renew-with-key">
            {t('renewWithProductKey.renewWithAProductKey')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('renewWithProductKey.theKeySTermIs')}
          </Text>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label={t('renewWithProductKey.productKey')}
              required
              value={key}
              onChange={(event) => setKey(event.currentTarget.value)}
              placeholder={t('renewWithProductKey.xxxxxXxxxxXxxxxXxxxxXxxxx')}
              error={fieldError(errors, 'key')}
              styles={{ input: { fontFamily: 'monospace' } }}
              w={{ base: '100%', sm: 360 }}
            />
            <Button type="submit" loading={renew.isPending || renewalId != null} disabled={key.trim() === ''}>
              {t('renewWithProductKey.renew')}
            </Button>
          </Group>
          <FormErrors errors={errors} shownFields={['key']} />
        </Stack>
      </form>
    </Paper>
  );
}
