import { Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import { fieldError, FormErrors, type PayloadError } from '../errors';
import { formatDate } from '../labels';
import { SecretOnce } from '../SecretOnce';
import { useCapabilities } from '../Viewer';
import { useGraphQLMutation } from '../../graphql/hooks';

const CustomerUsersFragment = graphql(`
  fragment CustomerUsers_customer on Customer {
    id
    defaultDomain
    hasAdminRights
    users(includeDeleted: true) {
      id
      displayName
      userName
      isAdmin
      deleted
      purgeAt
    }
  }
`);

const CreateUserDocument = graphql(`
  mutation CreateCustomerUser($customerId: ID!, $input: CreateCustomerUserInput!, $idempotencyKey: String) {
    createCustomerUser(customerId: $customerId, input: $input, idempotencyKey: $idempotencyKey) {
      errors {
        code
        message
        field
      }
      temporaryPassword
      user {
        id
        userName
      }
    }
  }
`);

const DeleteUserDocument = graphql(`
  mutation DeleteCustomerUser($id: ID!) {
    deleteCustomerUser(id: $id) {
      errors {
        code
        message
        field
      }
    }
  }
`);

const RestoreUserDocument = graphql(`
  mutation RestoreCustomerUser($id: ID!) {
    restoreCustomerUser(id: $id) {
      errors {
        code
        message
        field
      }
    }
  }
`);

const ResetPasswordDocument = graphql(`
  mutation ResetCustomerUserPassword($id: ID!) {
    resetCustomerUserPassword(id: $id) {
      errors {
        code
        message
        field
      }
      temporaryPassword
      user {
        id
        userName
      }
    }
  }
`);

interface Secret {
  title: string;
  userName: string;
  password: string;
}

/** The customer's users: add, delete (restorable for 30 days), restore, reset a password. */
export function CustomerUsers(props: { customer: FragmentType<typeof CustomerUsersFragment>; onChanged: () => void }) {
  const customer = getFragmentData(CustomerUsersFragment, props.customer);
  const { fullAccess, seesCustomers } = useCapabilities();
  const create = useGraphQLMutation(CreateUserDocument);
  const remove = useGraphQLMutation(DeleteUserDocument);
  const restore = useGraphQLMutation(RestoreUserDocument);
  const reset = useGraphQLMutation(ResetPasswordDocument);
  const [adding, setAdding] = useState<{ key: string } | null>(null);
  const [form, setForm] = useState({ firstName: '', lastName: '', userName: '', isAdmin: false });
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [secret, setSecret] = useState<Secret | null>(null);
  // Adding and deleting users needs full access; resetting passwords, limited access too, but not for a customer admin.
  const manages = customer.hasAdminRights && fullAccess;
  const resets = (isAdmin: boolean) => customer.hasAdminRights && seesCustomers && (fullAccess || !isAdmin);

  const act = async (run: () => Promise<{ errors: readonly PayloadError[] }>, message: string) => {
    const payload = await run();
    setErrors(payload.errors);
    if (payload.errors.length === 0) {
      notifications.show({ color: 'green', message });
      props.onChanged();
    }
  };

  const submitNew = async () => {
    if (!adding) return;
    const input = { firstName: form.firstName, lastName: form.lastName, isAdmin: form.isAdmin, ...(form.userName ? { userName: form.userName } : {}) };
    const payload = (await create.mutateAsync({ customerId: customer.id, input, idempotencyKey: adding.key })).createCustomerUser;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    setAdding(null);
    props.onChanged();
    if (payload.user && payload.temporaryPassword) setSecret({ title: 'User created', userName: payload.user.userName, password: payload.temporaryPassword });
  };

  return (
    <Stack>
      {!customer.hasAdminRights && <Text size="sm">Your organisation has no admin rights on this customer: its users can be viewed, not managed.</Text>}
      {manages && (
        <Group>
          <Button
            onClick={() => {
              setForm({ firstName: '', lastName: '', userName: '', isAdmin: false });
              setErrors([]);
              setAdding({ key: crypto.randomUUID() });
            }}
          >
            Add user
          </Button>
        </Group>
      )}
      {!adding && <FormErrors errors={errors} />}
      {customer.users.length === 0 ? (
        <Text size="sm">No users.</Text>
      ) : (
        <Table.ScrollContainer minWidth={300}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customer.users.map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    <Text size="sm" td={user.deleted ? 'line-through' : undefined}>
                      {user.displayName}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {user.userName}
                      {user.deleted && user.purgeAt ? ` · deleted, restorable until ${formatDate(user.purgeAt)}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td><Text size="sm" fw={user.isAdmin ? 600 : undefined}>{user.isAdmin ? 'Admin' : 'User'}</Text></Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      {!user.deleted && resets(user.isAdmin) && (
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={`Reset password of ${user.displayName}`}
                          onClick={async () => {
                            const payload = (await reset.mutateAsync({ id: user.id })).resetCustomerUserPassword;
                            setErrors(payload.errors);
                            if (payload.temporaryPassword) setSecret({ title: 'Password reset', userName: user.userName, password: payload.temporaryPassword });
                          }}
                        >
                          Reset password
                        </Button>
                      )}
                      {manages && !user.deleted && (
                        <Button size="xs" variant="default" color="red" aria-label={`Delete ${user.displayName}`} onClick={() => void act(async () => (await remove.mutateAsync({ id: user.id })).deleteCustomerUser, `${user.displayName} deleted; restorable for 30 days.`)}>
                          Delete
                        </Button>
                      )}
                      {manages && user.deleted && (
                        <Button size="xs" variant="default" aria-label={`Restore ${user.displayName}`} onClick={() => void act(async () => (await restore.mutateAsync({ id: user.id })).restoreCustomerUser, `${user.displayName} restored.`)}>
                          Restore
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={adding !== null} onClose={() => setAdding(null)} title="Add a user">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submitNew();
          }}
        >
          <Stack>
            <TextInput label="First name" required value={form.firstName} onChange={(e) => setForm({ ...form, firstName: e.currentTarget.value })} error={fieldError(errors, 'firstName')} data-autofocus />
            <TextInput label="Last name" required value={form.lastName} onChange={(e) => setForm({ ...form, lastName: e.currentTarget.value })} error={fieldError(errors, 'lastName')} />
            <TextInput
              label="User name"
              description={`Optional; signs in as <user name>@${customer.defaultDomain}`}
              value={form.userName}
              onChange={(e) => setForm({ ...form, userName: e.currentTarget.value })}
              error={fieldError(errors, 'userName')}
            />
            <Checkbox label="Administrator of the customer" checked={form.isAdmin} onChange={(e) => setForm({ ...form, isAdmin: e.currentTarget.checked })} />
            <FormErrors errors={errors} shownFields={['firstName', 'lastName', 'userName']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAdding(null)}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create user
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretOnce
        opened={secret !== null}
        title={secret?.title ?? ''}
        label="Temporary password"
        secret={secret?.password ?? null}
        details={<Text size="sm">Sign-in name: {secret?.userName}. The user chooses a new password at first sign-in.</Text>}
        onDone={() => setSecret(null)}
      />
    </Stack>
  );
}
