import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import type { DelegatedAdminAccess, DelegatedAdminStatus } from '../../__generated__/graphql';
import { FormErrors, type PayloadError, payloadErrors } from '../errors';
import { useLabels } from '../labels';
import { SecretOnce } from '../SecretOnce';
import { useCapabilities } from '../Viewer';
import { useGraphQLMutation } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';

const DelegatedAdminFragment = graphql(`
  fragment DelegatedAdmin_customer on Customer {
    id
    delegatedAdminRelationships {
      id
      status
      access
      createdAt
      acceptedAt
      expiresAt
      terminatedAt
    }
  }
`);

const SendOfferDocument = graphql(`
  mutation SendDelegatedAdminOffer($customerId: ID!, $access: DelegatedAdminAccess!) {
    sendDelegatedAdminOffer(customerId: $customerId, access: $access) {
      errors {
        ...PayloadErrorFields
      }
      acceptanceUrl
    }
  }
`);

const TerminateDocument = graphql(`
  mutation TerminateDelegatedAdminRelationship($id: ID!) {
    terminateDelegatedAdminRelationship(id: $id) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const STATUS_COLOR = { ACTIVE: 'green', PENDING: 'yellow', TERMINATED: 'gray', EXPIRED: 'gray' } as const;
const ACCESS = ['FULL', 'LIMITED'] as const;

/** Delegated-admin relationships with this customer; offer one (its link shown once), end one. */
export function DelegatedAdmin(props: { customer: FragmentType<typeof DelegatedAdminFragment>; onChanged: () => void }) {
  const { t } = useI18n();
  const customer = getFragmentData(DelegatedAdminFragment, props.customer);
  return (
    <Stack>
      <OfferDelegatedAdmin customerId={customer.id} onChanged={props.onChanged} />
      {customer.delegatedAdminRelationships.length === 0 ? (
        <Text size="sm">{t('delegatedAdmin.noDelegatedAdminRelationshipWith')}</Text>
      ) : (
        <DelegatedAdminTable relationships={customer.delegatedAdminRelationships} onChanged={props.onChanged} />
      )}
    </Stack>
  );
}

/** Offer delegated administration to one customer; the acceptance link is shown once. */
export function OfferDelegatedAdmin({ customerId, onChanged }: { customerId: string | null; onChanged: () => void }) {
  const { t } = useI18n();
  const { offersDelegatedAdmin } = useCapabilities();
  const send = useGraphQLMutation(SendOfferDocument);
  const [access, setAccess] = useState<DelegatedAdminAccess>('FULL');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [link, setLink] = useState<string | null>(null);
  if (!offersDelegatedAdmin) return null;
  return (
    <>
      <Group align="flex-end">
        <Select
          label={t('delegatedAdmin.accessToOffer')}
          allowDeselect={false}
          data={ACCESS.map((value) => ({ value, label: t(`layout.access.${value}`) }))}
          value={access}
          onChange={(value) => value && setAccess(value as DelegatedAdminAccess)}
        />
        <Button
          loading={send.isPending}
          disabled={!customerId}
          onClick={async () => {
            if (!customerId) return;
            const payload = (await send.mutateAsync({ customerId, access })).sendDelegatedAdminOffer;
            setErrors(payloadErrors(payload.errors));
            if (payload.errors.length > 0) return;
            setLink(payload.acceptanceUrl ?? null);
            onChanged();
          }}
        >
          {t('delegatedAdmin.offerDelegatedAdministration')}
        </Button>
      </Group>
      <FormErrors errors={errors} />
      <SecretOnce
        opened={link !== null}
        title={t('delegatedAdmin.delegatedAdministrationOffered')}
        label={t('delegatedAdmin.acceptanceLinkForTheCustomer')}
        secret={link}
        details={<Text size="sm">{t('delegatedAdmin.sendThisLinkToThe')}</Text>}
        onDone={() => setLink(null)}
      />
    </>
  );
}

interface Relationship {
  id: string;
  status: DelegatedAdminStatus;
  access: DelegatedAdminAccess;
  createdAt: string;
  acceptedAt?: string | null;
  expiresAt: string;
  terminatedAt?: string | null;
  customer?: { id: string; companyName: string };
}

/** Relationships with their status and dates; a PENDING or ACTIVE one can be ended. The customer column when they are of several customers. */
export function DelegatedAdminTable({ relationships, onChanged }: { relationships: readonly Relationship[]; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const { offersDelegatedAdmin } = useCapabilities();
  const terminate = useGraphQLMutation(TerminateDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const withCustomer = relationships.some((relationship) => relationship.customer);
  return (
    <Stack>
      <FormErrors errors={errors} />
      <Table.ScrollContainer minWidth={withCustomer ? 720 : 520}>
        <Table aria-label={t('delegatedAdmin.delegatedAdminRelationships')}>
          <Table.Thead>
            <Table.Tr>
              {withCustomer && <Table.Th>{t('common.customer')}</Table.Th>}
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th>{t('delegatedAdmin.access')}</Table.Th>
              <Table.Th>{t('delegatedAdmin.dates')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {relationships.map((relationship) => (
              <Table.Tr key={relationship.id}>
                {withCustomer && (
                  <Table.Td>
                    {relationship.customer && (
                      <Anchor component={Link} to={`/customers/${relationship.customer.id}`}>
                        {relationship.customer.companyName}
                      </Anchor>
                    )}
                  </Table.Td>
                )}
                <Table.Td>
                  <Badge variant="light" color={STATUS_COLOR[relationship.status]} style={{ minWidth: 'max-content' }}>
                    {t(`delegatedAdmin.filter.${relationship.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{t(`layout.access.${relationship.access}`)}</Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {t('delegatedAdmin.offered', { date: labels.date(relationship.createdAt) })}
                    {relationship.acceptedAt ? t('delegatedAdmin.accepted', { date: labels.date(relationship.acceptedAt) }) : ''}
                    {relationship.terminatedAt
                      ? t('delegatedAdmin.ended', { date: labels.date(relationship.terminatedAt) })
                      : t('delegatedAdmin.expires', { date: labels.date(relationship.expiresAt) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {offersDelegatedAdmin && (relationship.status === 'ACTIVE' || relationship.status === 'PENDING') && (
                    <Button
                      size="xs"
                      variant="default"
                      onClick={async () => {
                        const payload = (await terminate.mutateAsync({ id: relationship.id })).terminateDelegatedAdminRelationship;
                        setErrors(payloadErrors(payload.errors));
                        if (payload.errors.length === 0) {
                          notifications.show({ message: t('delegatedAdmin.relationshipEnded') });
                          onChanged();
                        }
                      }}
                    >
                      {t('delegatedAdmin.endRelationship')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
