import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { useGraphQLMutation } from '../graphql/hooks';
import { fieldError, FormErrors, type PayloadError } from './errors';
import { formatDate } from './labels';

const RenewWithProductKeyDocument = graphql(`
  mutation RenewSubscriptionWithProductKey($subscriptionId: ID!, $key: String!) {
    renewSubscriptionWithProductKey(subscriptionId: $subscriptionId, key: $key) {
      endDate
      errors {
        code
        message
        field
      }
    }
  }
`);

/** Renew with a product key (seed 003): the key's term extends the end date; shown only when `allowedActions` has RENEW_WITH_PRODUCT_KEY. */
export function RenewWithProductKey({ subscriptionId, onChanged }: { subscriptionId: string; onChanged: () => void }) {
  const [key, setKey] = useState('');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const renew = useGraphQLMutation(RenewWithProductKeyDocument);
  const submit = async () => {
    const payload = (await renew.mutateAsync({ subscriptionId, key })).renewSubscriptionWithProductKey;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    setKey('');
    notifications.show({ color: 'green', message: payload.endDate ? `Renewed: the subscription now ends on ${formatDate(payload.endDate)}.` : 'Renewed.' });
    onChanged();
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
            Renew with a product key
          </Title>
          <Text size="sm" c="dimmed">
            The key's term is added to the end date; an expired or disabled subscription becomes active again.
          </Text>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Product key"
              required
              value={key}
              onChange={(event) => setKey(event.currentTarget.value)}
              placeholder="XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"
              error={fieldError(errors, 'key')}
              styles={{ input: { fontFamily: 'monospace' } }}
              w={{ base: '100%', sm: 360 }}
            />
            <Button type="submit" loading={renew.isPending} disabled={key.trim() === ''}>
              Renew
            </Button>
          </Group>
          <FormErrors errors={errors} shownFields={['key']} />
        </Stack>
      </form>
    </Paper>
  );
}
