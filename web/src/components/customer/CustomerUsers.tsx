import { Button, Checkbox, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { graphql, getFragmentData, type FragmentType } from '../../__generated__';
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

interface Secret {
  title: string;
  userName: string;
  password: string;
}

/** The customer's users: add, delete (restorable for 30 days), restore, reset a password. */
export function CustomerUsers(props: { customer: FragmentType<typeof CustomerUsersFragment>; onChanged: () => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const customer = getFragmentData(CustomerUsersFragment, props.customer);
  const { fullAccess, seesCustomers } = useCapabilities();
  const create = useGraphQLMutation(CreateUserDocument);
  const remove = useGraphQLMutation(DeleteUserDocument);
  const restore = useGraphQLMutation(RestoreUserDocument);
  const reset = useGraphQLMutation(ResetPasswordDocument);
  // Open while the add form shows; each opening is one attempt with its own key.
  const [adding, setAdding] = useState(false);
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const [form, setForm] = useState({ firstName: '', lastName: '', userName: '', isAdmin: false });
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
              {customer.users.map((user) => (
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
                      {!user.deleted && resets(user.isAdmin) && (
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={t('customerUsers.resetPasswordOf', { displayName: user.displayName })}
                          onClick={async () => {
                            const payload = (await reset.mutateAsync({ id: user.id })).resetCustomerUserPassword;
                            setErrors(payloadErrors(payload.errors));
                            if (payload.temporaryPassword)
                              setSecret({
                                title: t('customerUsers.passwordReset'),
                                userName: user.userName,
                                password: payload.temporaryPassword,
                              });
                          }}
                        >
                          {t('customerUsers.resetPassword')}
                        </Button>
                      )}
                      {manages && !user.deleted && (
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          aria-label={t('customerUsers.delete2', { displayName: user.displayName })}
                          onClick={() =>
                            void act(
                              async () => (await remove.mutateAsync({ id: user.id })).deleteCustomerUser,
                              t('customerUsers.deleted', { displayName: user.displayName }),
                            )
                          }
                        >
                          {t('customerUsers.delete')}
                        </Button>
                      )}
                      {manages && user.deleted && (
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={t('customerUsers.restore2', { displayName: user.displayName })}
                          onClick={() =>
                            void act(
                              async () => (await restore.mutateAsync({ id: user.id })).restoreCustomerUser,
                              t('customerUsers.restored', { displayName: user.displayName }),
                            )
                          }
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
      )}
      <Modal opened={adding} onClose={() => setAdding(false)} title={t('customerUsers.addAUser')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submitNew();
          }}
        >
          <Stack>
            <TextInput
              label={t('common.firstName')}
              required
              value={form.firstName}
              onChange={(e) => setForm({ ...form, firstName: e.currentTarget.value })}
              error={fieldError(errors, 'firstName')}
              data-autofocus
            />
            <TextInput
              label={t('common.lastName')}
              required
              value={form.lastName}
              onChange={(e) => setForm({ ...form, lastName: e.currentTarget.value })}
              error={fieldError(errors, 'lastName')}
            />
            <TextInput
              label={t('common.userName')}
              description={t('customerUsers.optionalSignsInAsUser', { defaultDomain: customer.defaultDomain })}
              value={form.userName}
              onChange={(e) => setForm({ ...form, userName: e.currentTarget.value })}
              error={fieldError(errors, 'userName')}
            />
            <Checkbox
              label={t('customerUsers.administratorOfTheCustomer')}
              checked={form.isAdmin}
              onChange={(e) => setForm({ ...form, isAdmin: e.currentTarget.checked })}
            />
            <FormErrors errors={errors} shownFields={['firstName', 'lastName', 'userName']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAdding(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('customerUsers.createUser')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
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
