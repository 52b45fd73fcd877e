import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import type { DelegatedAdminAccess, DelegatedAdminStatus } from '../../__generated__/graphql';
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
  return (
    <Stack>
      <OfferDelegatedAdmin customerId={customer.id} onChanged={props.onChanged} />
      {customer.delegatedAdminRelationships.length === 0 ? (
        <Text size="sm">No delegated-admin relationship with this customer.</Text>
      ) : (
        <DelegatedAdminTable relationships={customer.delegatedAdminRelationships} onChanged={props.onChanged} />
      )}
    </Stack>
  );
}

/** Offer delegated administration to one customer; the acceptance link is shown once. */
export function OfferDelegatedAdmin({ customerId, onChanged }: { customerId: string | null; onChanged: () => void }) {
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
          label="Access to offer"
          allowDeselect={false}
          data={Object.entries(ACCESS).map(([value, label]) => ({ value, label }))}
          value={access}
          onChange={(value) => value && setAccess(value as DelegatedAdminAccess)}
        />
        <Button
          loading={send.isPending}
          disabled={!customerId}
          onClick={async () => {
            if (!customerId) return;
            const payload = (await send.mutateAsync({ customerId, access })).sendDelegatedAdminOffer;
            setErrors(payload.errors);
            if (payload.errors.length > 0) return;
            setLink(payload.acceptanceUrl ?? null);
            onChanged();
          }}
        >
          Offer delegated administration
        </Button>
      </Group>
      <FormErrors errors={errors} />
      <SecretOnce
        opened={link !== null}
        title="Delegated administration offered"
        label="Acceptance link for the customer"
        secret={link}
        details={<Text size="sm">Send this link to the customer's global administrator, who accepts by signing in with the customer account's credentials and alone receives the link to end it. It works once and expires after 90 days.</Text>}
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
  const { offersDelegatedAdmin } = useCapabilities();
  const terminate = useGraphQLMutation(TerminateDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const withCustomer = relationships.some((relationship) => relationship.customer);
  return (
    <Stack>
      <FormErrors errors={errors} />
      <Table.ScrollContainer minWidth={withCustomer ? 720 : 520}>
        <Table aria-label="Delegated-admin relationships">
          <Table.Thead>
            <Table.Tr>
              {withCustomer && <Table.Th>Customer</Table.Th>}
              <Table.Th>Status</Table.Th>
              <Table.Th>Access</Table.Th>
              <Table.Th>Dates</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
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
                          onChanged();
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
    </Stack>
  );
}
