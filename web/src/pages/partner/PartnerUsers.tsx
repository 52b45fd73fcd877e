import { Alert, Badge, Button, Group, Loader, Modal, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { CompanyRole, CustomerAccess, PartnerUsersQuery } from '../../__generated__/graphql';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from '../../components/errors';
import { SecretOnce } from '../../components/SecretOnce';
import { useViewer } from '../../components/Viewer';
import { useGraphQLMutation, useGraphQLQuery, useIdempotencyKey } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';

const PartnerUsersDocument = graphql(`
  query PartnerUsers($includeInactive: Boolean!) {
    partner {
      id
      users(includeInactive: $includeInactive) {
        id
        displayName
        email
        companyRole
        customerAccess
        active
      }
    }
  }
`);

const CreatePartnerUserDocument = graphql(`
  mutation CreatePartnerUser($input: CreatePartnerUserInput!, $idempotencyKey: String) {
    createPartnerUser(input: $input, idempotencyKey: $idempotencyKey) {
      temporaryPassword
      user {
        id
        email
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const UpdatePartnerUserDocument = graphql(`
  mutation UpdatePartnerUser($id: ID!, $input: UpdatePartnerUserInput!) {
    updatePartnerUser(id: $id, input: $input) {
      user {
        id
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const DeactivatePartnerUserDocument = graphql(`
  mutation DeactivatePartnerUser($id: ID!) {
    deactivatePartnerUser(id: $id) {
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

type PartnerUser = NonNullable<PartnerUsersQuery['partner']>['users'][number];

const COMPANY_ROLES: CompanyRole[] = ['GLOBAL_ADMIN', 'USER_ADMIN', 'BILLING_ADMIN', 'NONE'];
const CUSTOMER_ACCESS: CustomerAccess[] = ['FULL', 'LIMITED', 'NONE'];

/**
 * The company roles the viewer may give: a USER_ADMIN cannot grant GLOBAL_ADMIN, nor change
 * a GLOBAL_ADMIN's roles (the partner subgraph refuses it too).
 */
function useRoleRules() {
  const viewer = useViewer();
  const global = viewer.companyRole === 'GLOBAL_ADMIN';
  const roles = COMPANY_ROLES.filter((role) => global || role !== 'GLOBAL_ADMIN');
  return { roles, manages: (user: PartnerUser) => global || user.companyRole !== 'GLOBAL_ADMIN', self: viewer.id };
}

/** The partner's users: add one (temporary password once), change roles, deactivate. */
export function PartnerUsers() {
  const { t } = useI18n();
  const [includeInactive, setIncludeInactive] = useState(false);
  const { data, error, isPending } = useGraphQLQuery(PartnerUsersDocument, { includeInactive });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<PartnerUser | null>(null);
  const [deactivating, setDeactivating] = useState<PartnerUser | null>(null);
  const rules = useRoleRules();

  if (isPending) return <Loader aria-label={t('partnerUsers.loadingUsers')} />;
  if (error || !data?.partner)
    return <Alert color="red">{error ? <ErrorMessage error={error} /> : t('partnerUsers.theUsersCouldNotBe')}</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Switch
          label={t('partnerUsers.showDeactivatedUsers')}
          checked={includeInactive}
          onChange={(event) => setIncludeInactive(event.currentTarget.checked)}
        />
        <Button onClick={() => setAdding(true)}>{t('partnerUsers.addPartnerUser')}</Button>
      </Group>
      <Table.ScrollContainer minWidth={720}>
        <Table striped aria-label={t('partnerUsers.partnerUsers')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('partnerUsers.name')}</Table.Th>
              <Table.Th>{t('partnerUsers.email')}</Table.Th>
              <Table.Th>{t('partnerUsers.companyRole')}</Table.Th>
              <Table.Th>{t('partnerUsers.customerAccess')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.partner.users.map((user) => (
              <Table.Tr key={user.id}>
                <Table.Td>
                  {user.displayName} {!user.active && <Badge color="gray">{t('partnerUsers.deactivated')}</Badge>}
                </Table.Td>
                <Table.Td>{user.email}</Table.Td>
                <Table.Td>{t(`partnerUsers.role.${user.companyRole}`)}</Table.Td>
                <Table.Td>{t(`layout.access.${user.customerAccess}`)}</Table.Td>
                <Table.Td>
                  {user.active && rules.manages(user) && (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        onClick={() => setEditing(user)}
                        aria-label={t('partnerUsers.changeRolesOf', { displayName: user.displayName })}
                      >
                        {t('partnerUsers.changeRoles')}
                      </Button>
                      {user.id !== rules.self && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setDeactivating(user)}
                          aria-label={t('partnerUsers.deactivate2', { displayName: user.displayName })}
                        >
                          {t('partnerUsers.deactivate')}
                        </Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <AddUser opened={adding} onClose={() => setAdding(false)} roles={rules.roles} />
      {editing && <ChangeRoles user={editing} roles={rules.roles} onClose={() => setEditing(null)} />}
      {deactivating && <Deactivate user={deactivating} onClose={() => setDeactivating(null)} />}
    </Stack>
  );
}

function RoleFields(props: {
  roles: CompanyRole[];
  companyRole: CompanyRole;
  customerAccess: CustomerAccess;
  errors: readonly PayloadError[];
  onChange: (role: CompanyRole, access: CustomerAccess) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Select
        label={t('partnerUsers.companyRole')}
        required
        allowDeselect={false}
        data={props.roles.map((role) => ({ value: role, label: t(`partnerUsers.role.${role}`) }))}
        value={props.companyRole}
        onChange={(value) => props.onChange((value as CompanyRole | null) ?? props.companyRole, props.customerAccess)}
        error={fieldError(props.errors, 'companyRole')}
      />
      <Select
        label={t('partnerUsers.customerAccess')}
        required
        allowDeselect={false}
        data={CUSTOMER_ACCESS.map((access) => ({ value: access, label: t(`layout.access.${access}`) }))}
        value={props.customerAccess}
        onChange={(value) => props.onChange(props.companyRole, (value as CustomerAccess | null) ?? props.customerAccess)}
        error={fieldError(props.errors, 'customerAccess')}
      />
    </>
  );
}

function AddUser({ opened, onClose, roles }: { opened: boolean; onClose: () => void; roles: CompanyRole[] }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const create = useGraphQLMutation(CreatePartnerUserDocument);
  const [form, setForm] = useState({
    displayName: '',
    email: '',
    companyRole: 'NONE' as CompanyRole,
    customerAccess: 'NONE' as CustomerAccess,
  });
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const submit = async () => {
    const payload = (await create.mutateAsync({ input: form, idempotencyKey })).createPartnerUser;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0 || !payload.user) return;
    setCreated({ email: payload.user.email, password: payload.temporaryPassword ?? null });
    void queryClient.invalidateQueries();
  };
  const done = () => {
    setCreated(null);
    setErrors([]);
    setForm({ displayName: '', email: '', companyRole: 'NONE', customerAccess: 'NONE' });
    renewIdempotencyKey();
    onClose();
  };
  return (
    <>
      <Modal opened={opened && !created} onClose={done} title={t('partnerUsers.addPartnerUser')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <TextInput
              label={t('partnerUsers.displayName')}
              required
              value={form.displayName}
              onChange={(event) => setForm({ ...form, displayName: event.currentTarget.value })}
              error={fieldError(errors, 'displayName')}
            />
            <TextInput
              label={t('partnerUsers.email')}
              type="email"
              required
              value={form.email}
              onChange={(event) => setForm({ ...form, email: event.currentTarget.value })}
              error={fieldError(errors, 'email')}
            />
            <RoleFields
              roles={roles}
              companyRole={form.companyRole}
              customerAccess={form.customerAccess}
              errors={errors}
              onChange={(companyRole, customerAccess) => setForm({ ...form, companyRole, customerAccess })}
            />
            <FormErrors errors={errors} shownFields={['displayName', 'email', 'companyRole', 'customerAccess']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={done}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('common.addUser')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretOnce
        opened={created !== null}
        title={t('partnerUsers.partnerUserAdded')}
        label={t('common.temporaryPassword')}
        secret={created?.password ?? null}
        details={<Text size="sm">{t('partnerUsers.giveThisTemporaryPasswordThey', { email: created?.email ?? '' })}</Text>}
        onDone={done}
      />
    </>
  );
}

function ChangeRoles({ user, roles, onClose }: { user: PartnerUser; roles: CompanyRole[]; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const update = useGraphQLMutation(UpdatePartnerUserDocument);
  const [companyRole, setCompanyRole] = useState(user.companyRole);
  const [customerAccess, setCustomerAccess] = useState(user.customerAccess);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await update.mutateAsync({ id: user.id, input: { companyRole, customerAccess } })).updatePartnerUser;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: t('partnerUsers.rolesOfChanged', { displayName: user.displayName }) });
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('partnerUsers.rolesOf', { displayName: user.displayName })}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit().catch((error: Error) => setErrors([{ code: 'FORBIDDEN', message: error.message }]));
        }}
      >
        <Stack>
          <RoleFields
            roles={roles}
            companyRole={companyRole}
            customerAccess={customerAccess}
            errors={errors}
            onChange={(role, access) => {
              setCompanyRole(role);
              setCustomerAccess(access);
            }}
          />
          <FormErrors errors={errors} shownFields={['companyRole', 'customerAccess']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('partnerUsers.saveRoles')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Deactivate({ user, onClose }: { user: PartnerUser; onClose: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const deactivate = useGraphQLMutation(DeactivatePartnerUserDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await deactivate.mutateAsync({ id: user.id })).deactivatePartnerUser;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: t('partnerUsers.wasDeactivated', { displayName: user.displayName }) });
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('partnerUsers.deactivate3', { displayName: user.displayName })}>
      <Stack>
        <Text size="sm">{t('partnerUsers.canNoLongerSignIn', { email: user.email })}</Text>
        <FormErrors errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={deactivate.isPending} onClick={() => void submit()}>
            {t('partnerUsers.deactivate')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
