import { Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
import type { CustomerUsers_CustomerFragment } from '../../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError, payloadErrors, type PayloadErrorRefs } from '../errors';
import { useLabels } from '../labels';
import { SecretOnce } from '../SecretOnce';
import { useCapabilities } from '../Viewer';
import { useGraphQLMutation, useIdempotencyKey } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';

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
        ...PayloadErrorFields
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
        ...PayloadErrorFields
      }
    }
  }
`);

const RestoreUserDocument = graphql(`
  mutation RestoreCustomerUser($id: ID!) {
    restoreCustomerUser(id: $id) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const ResetPasswordDocument = graphql(`
  mutation ResetCustomerUserPassword($id: ID!) {
    resetCustomerUserPassword(id: $id) {
      errors {
        ...PayloadErrorFields
      }
      temporaryPassword
      user {
        id
        userName
      }
    }
  }
`);

type User = CustomerUsers_CustomerFragment['users'][number];

interface NewUser {
  firstName: string;
  lastName: string;
  userName: string;
  isAdmin: boolean;
}

interface Secret {
  title: string;
  userName: string;
  password: string;
}

/** The customer's users: add, delete (restorable for 30 days), restore, reset a password. */
export function CustomerUsers(props: { customer: FragmentType<typeof CustomerUsersFragment>; onChanged: () => void }) {
  const { t } = useI18n();
  const customer = getFragmentData(CustomerUsersFragment, props.customer);
  const { fullAccess, seesCustomers } = useCapabilities();
  const create = useGraphQLMutation(CreateUserDocument);
  const remove = useGraphQLMutation(DeleteUserDocument);
  const restore = useGraphQLMutation(RestoreUserDocument);
  const reset = useGraphQLMutation(ResetPasswordDocument);
  // Open while the add form shows; each opening is one attempt with its own key.
  const [adding, setAdding] = useState(false);
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const [form, setForm] = useState<NewUser>({ firstName: '', lastName: '', userName: '', isAdmin: false });
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [secret, setSecret] = useState<Secret | null>(null);
  // Adding and deleting users needs full access; resetting passwords, limited access too, but not for a customer admin.
  const manages = customer.hasAdminRights && fullAccess;
  const resets = (isAdmin: boolean) => customer.hasAdminRights && seesCustomers && (fullAccess || !isAdmin);

  const act = async (run: () => Promise<{ errors: PayloadErrorRefs }>, message: string) => {
    const payload = await run();
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length === 0) {
      notifications.show({ color: 'green', message });
      props.onChanged();
    }
  };

  const submitNew = async () => {
    if (!adding) return;
    const input = {
      firstName: form.firstName,
      lastName: form.lastName,
      isAdmin: form.isAdmin,
      ...(form.userName ? { userName: form.userName } : {}),
    };
    const payload = (await create.mutateAsync({ customerId: customer.id, input, idempotencyKey })).createCustomerUser;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    setAdding(false);
    props.onChanged();
    if (payload.user && payload.temporaryPassword)
      setSecret({ title: t('customerUsers.userCreated'), userName: payload.user.userName, password: payload.temporaryPassword });
  };

  const resetPassword = async (user: User) => {
    const payload = (await reset.mutateAsync({ id: user.id })).resetCustomerUserPassword;
    setErrors(payloadErrors(payload.errors));
    if (payload.temporaryPassword)
      setSecret({
        title: t('customerUsers.passwordReset'),
        userName: user.userName,
        password: payload.temporaryPassword,
      });
  };

  return (
    <Stack>
      {!customer.hasAdminRights && <Text size="sm">{t('customerUsers.yourOrganisationHasNoAdmin')}</Text>}
      {manages && (
        <Group>
          <Button
            onClick={() => {
              setForm({ firstName: '', lastName: '', userName: '', isAdmin: false });
              setErrors([]);
              renewIdempotencyKey();
              setAdding(true);
            }}
          >
            {t('common.addUser')}
          </Button>
        </Group>
      )}
      {!adding && <FormErrors errors={errors} />}
      {customer.users.length === 0 ? (
        <Text size="sm">{t('customerUsers.noUsers')}</Text>
      ) : (
        <UsersTable
          users={customer.users}
          manages={manages}
          resets={resets}
          onResetPassword={(user) => void resetPassword(user)}
          onDelete={(user) =>
            void act(
              async () => (await remove.mutateAsync({ id: user.id })).deleteCustomerUser,
              t('customerUsers.deleted', { displayName: user.displayName }),
            )
          }
          onRestore={(user) =>
            void act(
              async () => (await restore.mutateAsync({ id: user.id })).restoreCustomerUser,
              t('customerUsers.restored', { displayName: user.displayName }),
            )
          }
        />
      )}
      <AddUserModal
        opened={adding}
        form={form}
        onForm={setForm}
        errors={errors}
        defaultDomain={customer.defaultDomain}
        creating={create.isPending}
        onClose={() => setAdding(false)}
        onCreate={() => void submitNew()}
      />
      <SecretOnce
        opened={secret !== null}
        title={secret?.title ?? ''}
        label={t('common.temporaryPassword')}
        secret={secret?.password ?? null}
        details={<Text size="sm">{t('customerUsers.signInNameTheUser', { userName: secret?.userName ?? '' })}</Text>}
        onDone={() => setSecret(null)}
      />
    </Stack>
  );
}

/** The customer's users, each with what the viewer may do to it. */
function UsersTable(props: {
  users: readonly User[];
  manages: boolean;
  resets: (isAdmin: boolean) => boolean;
  onResetPassword: (user: User) => void;
  onDelete: (user: User) => void;
  onRestore: (user: User) => void;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  return (
    <Table.ScrollContainer minWidth={300}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('common.user')}</Table.Th>
            <Table.Th>{t('customerUsers.role')}</Table.Th>
            <Table.Th>{t('common.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Text size="sm" td={user.deleted ? 'line-through' : undefined}>
                  {user.displayName}
                </Text>
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {user.userName}
                  {user.deleted && user.purgeAt ? t('customerUsers.deletedRestorableUntil', { date: labels.date(user.purgeAt) }) : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={user.isAdmin ? 600 : undefined}>
                  {user.isAdmin ? t('customerUsers.admin') : t('common.user')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  {!user.deleted && props.resets(user.isAdmin) && (
                    <Button
                      size="xs"
                      variant="light"
                      aria-label={t('customerUsers.resetPasswordOf', { displayName: user.displayName })}
                      onClick={() => props.onResetPassword(user)}
                    >
                      {t('customerUsers.resetPassword')}
                    </Button>
                  )}
                  {props.manages && !user.deleted && (
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={t('customerUsers.delete2', { displayName: user.displayName })}
                      onClick={() => props.onDelete(user)}
                    >
                      {t('customerUsers.delete')}
                    </Button>
                  )}
                  {props.manages && user.deleted && (
                    <Button
                      size="xs"
                      variant="default"
                      aria-label={t('customerUsers.restore2', { displayName: user.displayName })}
                      onClick={() => props.onRestore(user)}
                    >
                      {t('customerUsers.restore')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The form of a new user: names, an optional sign-in name, and whether it administers the customer. */
function AddUserModal(props: {
  opened: boolean;
  form: NewUser;
  onForm: (form: NewUser) => void;
  errors: readonly PayloadError[];
  defaultDomain: string;
  creating: boolean;
  onClose: () => void;
  onCreate: () => void;
}) {
  const { t } = useI18n();
  const { form } = props;
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={t('customerUsers.addAUser')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onCreate();
        }}
      >
        <Stack>
          <TextInput
            label={t('common.firstName')}
            required
            value={form.firstName}
            onChange={(e) => props.onForm({ ...form, firstName: e.currentTarget.value })}
            error={fieldError(props.errors, 'firstName')}
            data-autofocus
          />
          <TextInput
            label={t('common.lastName')}
            required
            value={form.lastName}
            onChange={(e) => props.onForm({ ...form, lastName: e.currentTarget.value })}
            error={fieldError(props.errors, 'lastName')}
          />
          <TextInput
            label={t('common.userName')}
            description={t('customerUsers.optionalSignsInAsUser', { defaultDomain: props.defaultDomain })}
            value={form.userName}
            onChange={(e) => props.onForm({ ...form, userName: e.currentTarget.value })}
            error={fieldError(props.errors, 'userName')}
          />
          <Checkbox
            label={t('customerUsers.administratorOfTheCustomer')}
            checked={form.isAdmin}
            onChange={(e) => props.onForm({ ...form, isAdmin: e.currentTarget.checked })}
          />
          <FormErrors errors={props.errors} shownFields={['firstName', 'lastName', 'userName']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={props.creating}>
              {t('customerUsers.createUser')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
