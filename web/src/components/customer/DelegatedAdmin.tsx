import { Badge, Button, Group, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import type { DelegatedAdminAccess } from '../../__generated__/graphql';
import { FormErrors, type PayloadError } from '../errors';
import { formatDate } from '../labels';
import { SecretOnce } from '../SecretOnce';
import { useCapabilities } from '../Viewer';
import { useGraphQLMutation } from '../../graphql/hooks';

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
        code
        message
        field
      }
      acceptanceUrl
    }
  }
`);

const TerminateDocument = graphql(`
  mutation TerminateDelegatedAdminRelationship($id: ID!) {
    terminateDelegatedAdminRelationship(id: $id) {
      errors {
        code
        message
        field
      }
    }
  }
`);

const STATUS_COLOR = { ACTIVE: 'green', PENDING: 'yellow', TERMINATED: 'gray', EXPIRED: 'gray' } as const;
const ACCESS = { FULL: 'Full administration', LIMITED: 'Limited administration' } as const;

/** Delegated-admin relationships with this customer; offer one (its link shown once), end one. */
export function DelegatedAdmin(props: { customer: FragmentType<typeof DelegatedAdminFragment>; onChanged: () => void }) {
  const customer = getFragmentData(DelegatedAdminFragment, props.customer);
  const { offersDelegatedAdmin } = useCapabilities();
  const send = useGraphQLMutation(SendOfferDocument);
  const terminate = useGraphQLMutation(TerminateDocument);
  const [access, setAccess] = useState<DelegatedAdminAccess>('FULL');
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [link, setLink] = useState<string | null>(null);

  return (
    <Stack>
      {offersDelegatedAdmin && (
        <Group align="flex-end">
          <Select
            label="Access to offer"
            allowDeselect={false}
            data={Object.entries(ACCESS).map(([value, label]) => ({ value, label }))}
            value={access}
            onChange={(value) => value && setAccess(value as DelegatedAdminAccess)}
          />
          <Button
            loading={send.isPending}
            onClick={async () => {
              const payload = (await send.mutateAsync({ customerId: customer.id, access })).sendDelegatedAdminOffer;
              setErrors(payload.errors);
              if (payload.errors.length > 0) return;
              setLink(payload.acceptanceUrl ?? null);
              props.onChanged();
            }}
          >
            Offer delegated administration
          </Button>
        </Group>
      )}
      <FormErrors errors={errors} />
      {customer.delegatedAdminRelationships.length === 0 ? (
        <Text size="sm">No delegated-admin relationship with this customer.</Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Status</Table.Th>
                <Table.Th>Access</Table.Th>
                <Table.Th>Dates</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customer.delegatedAdminRelationships.map((relationship) => (
                <Table.Tr key={relationship.id}>
                  <Table.Td>
                    <Badge variant="light" color={STATUS_COLOR[relationship.status]}>
                      {relationship.status.toLowerCase()}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{ACCESS[relationship.access]}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      Offered {formatDate(relationship.createdAt)}
                      {relationship.acceptedAt ? ` · accepted ${formatDate(relationship.acceptedAt)}` : ''}
                      {relationship.terminatedAt ? ` · ended ${formatDate(relationship.terminatedAt)}` : ` · expires ${formatDate(relationship.expiresAt)}`}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {offersDelegatedAdmin && (relationship.status === 'ACTIVE' || relationship.status === 'PENDING') && (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={async () => {
                          const payload = (await terminate.mutateAsync({ id: relationship.id })).terminateDelegatedAdminRelationship;
                          setErrors(payload.errors);
                          if (payload.errors.length === 0) {
                            notifications.show({ message: 'Relationship ended.' });
                            props.onChanged();
                          }
                        }}
                      >
                        End relationship
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SecretOnce
        opened={link !== null}
        title="Delegated administration offered"
        label="Acceptance link for the customer"
        secret={link}
        details={<Text size="sm">Send this link to the customer's global administrator. It works once and expires after 90 days.</Text>}
        onDone={() => setLink(null)}
      />
    </Stack>
  );
}
