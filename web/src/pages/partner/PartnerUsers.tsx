import { Alert, Badge, Button, Group, Loader, Modal, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { CompanyRole, CustomerAccess, PartnerUsersQuery } from '../../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError } from '../../components/errors';
import { SecretOnce } from '../../components/SecretOnce';
import { useViewer } from '../../components/Viewer';
import { useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';

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
        code
        message
        field
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
        code
        message
        field
      }
    }
  }
`);

const DeactivatePartnerUserDocument = graphql(`
  mutation DeactivatePartnerUser($id: ID!) {
    deactivatePartnerUser(id: $id) {
      errors {
        code
        message
        field
      }
    }
  }
`);

type PartnerUser = NonNullable<PartnerUsersQuery['partner']>['users'][number];

export const COMPANY_ROLE: Record<CompanyRole, string> = {
  GLOBAL_ADMIN: 'Global administrator',
  USER_ADMIN: 'User administrator',
  BILLING_ADMIN: 'Billing administrator',
  NONE: 'No company role',
};
const CUSTOMER_ACCESS: Record<CustomerAccess, string> = { FULL: 'Full administration', LIMITED: 'Limited administration', NONE: 'No customer access' };

/**
 * The company roles the viewer may give: a USER_ADMIN cannot grant GLOBAL_ADMIN, nor change
 * a GLOBAL_ADMIN's roles (the partner subgraph refuses it too).
 */
function useRoleRules() {
  const viewer = useViewer();
  const global = viewer.companyRole === 'GLOBAL_ADMIN';
  const roles = (Object.keys(COMPANY_ROLE) as CompanyRole[]).filter((role) => global || role !== 'GLOBAL_ADMIN');
  return { roles, manages: (user: PartnerUser) => global || user.companyRole !== 'GLOBAL_ADMIN', self: viewer.id };
}

/** The partner's users: add one (temporary password once), change roles, deactivate. */
export function PartnerUsers() {
  const [includeInactive, setIncludeInactive] = useState(false);
  const { data, error, isPending } = useGraphQLQuery(PartnerUsersDocument, { includeInactive });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<PartnerUser | null>(null);
  const [deactivating, setDeactivating] = useState<PartnerUser | null>(null);
  const rules = useRoleRules();

  if (isPending) return <Loader aria-label="Loading users" />;
  if (error || !data?.partner) return <Alert color="red">{error?.message ?? 'The users could not be loaded.'}</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Switch label="Show deactivated users" checked={includeInactive} onChange={(event) => setIncludeInactive(event.currentTarget.checked)} />
        <Button onClick={() => setAdding(true)}>Add partner user</Button>
      </Group>
      <Table.ScrollContainer minWidth={720}>
        <Table striped aria-label="Partner users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Company role</Table.Th>
              <Table.Th>Customer access</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.partner.users.map((user) => (
              <Table.Tr key={user.id}>
                <Table.Td>
                  {user.displayName} {!user.active && <Badge color="gray">Deactivated</Badge>}
                </Table.Td>
                <Table.Td>{user.email}</Table.Td>
                <Table.Td>{COMPANY_ROLE[user.companyRole]}</Table.Td>
                <Table.Td>{CUSTOMER_ACCESS[user.customerAccess]}</Table.Td>
                <Table.Td>
                  {user.active && rules.manages(user) && (
                    <Group gap={4} wrap="nowrap">
                      <Button size="compact-sm" variant="light" onClick={() => setEditing(user)} aria-label={`Change roles of ${user.displayName}`}>
                        Change roles
                      </Button>
                      {user.id !== rules.self && (
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeactivating(user)} aria-label={`Deactivate ${user.displayName}`}>
                          Deactivate
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

function RoleFields(props: { roles: CompanyRole[]; companyRole: CompanyRole; customerAccess: CustomerAccess; errors: readonly PayloadError[]; onChange: (role: CompanyRole, access: CustomerAccess) => void }) {
  return (
    <>
      <Select
        label="Company role"
        required
        allowDeselect={false}
        data={props.roles.map((role) => ({ value: role, label: COMPANY_ROLE[role] }))}
        value={props.companyRole}
        onChange={(value) => props.onChange((value as CompanyRole | null) ?? props.companyRole, props.customerAccess)}
        error={fieldError(props.errors, 'companyRole')}
      />
      <Select
        label="Customer access"
        required
        allowDeselect={false}
        data={(Object.keys(CUSTOMER_ACCESS) as CustomerAccess[]).map((access) => ({ value: access, label: CUSTOMER_ACCESS[access] }))}
        value={props.customerAccess}
        onChange={(value) => props.onChange(props.companyRole, (value as CustomerAccess | null) ?? props.customerAccess)}
        error={fieldError(props.errors, 'customerAccess')}
      />
    </>
  );
}

function AddUser({ opened, onClose, roles }: { opened: boolean; onClose: () => void; roles: CompanyRole[] }) {
  const queryClient = useQueryClient();
  const create = useGraphQLMutation(CreatePartnerUserDocument);
  const [form, setForm] = useState({ displayName: '', email: '', companyRole: 'NONE' as CompanyRole, customerAccess: 'NONE' as CustomerAccess });
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const submit = async () => {
    const payload = (await create.mutateAsync({ input: form, idempotencyKey })).createPartnerUser;
    setErrors(payload.errors);
    if (payload.errors.length > 0 || !payload.user) return;
    setCreated({ email: payload.user.email, password: payload.temporaryPassword ?? null });
    void queryClient.invalidateQueries();
  };
  const done = () => {
    setCreated(null);
    setErrors([]);
    setForm({ displayName: '', email: '', companyRole: 'NONE', customerAccess: 'NONE' });
    setIdempotencyKey(crypto.randomUUID());
    onClose();
  };
  return (
    <>
      <Modal opened={opened && !created} onClose={done} title="Add partner user">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <TextInput label="Display name" required value={form.displayName} onChange={(event) => setForm({ ...form, displayName: event.currentTarget.value })} error={fieldError(errors, 'displayName')} />
            <TextInput label="Email" type="email" required value={form.email} onChange={(event) => setForm({ ...form, email: event.currentTarget.value })} error={fieldError(errors, 'email')} />
            <RoleFields roles={roles} companyRole={form.companyRole} customerAccess={form.customerAccess} errors={errors} onChange={(companyRole, customerAccess) => setForm({ ...form, companyRole, customerAccess })} />
            <FormErrors errors={errors} shownFields={['displayName', 'email', 'companyRole', 'customerAccess']} />
            <Group justify="flex-end">
              <Button variant="default" onClick={done}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Add user
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <SecretOnce
        opened={created !== null}
        title="Partner user added"
        label="Temporary password"
        secret={created?.password ?? null}
        details={<Text size="sm">Give {created?.email} this temporary password; they choose their own at first sign-in.</Text>}
        onDone={done}
      />
    </>
  );
}

function ChangeRoles({ user, roles, onClose }: { user: PartnerUser; roles: CompanyRole[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const update = useGraphQLMutation(UpdatePartnerUserDocument);
  const [companyRole, setCompanyRole] = useState(user.companyRole);
  const [customerAccess, setCustomerAccess] = useState(user.customerAccess);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await update.mutateAsync({ id: user.id, input: { companyRole, customerAccess } })).updatePartnerUser;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: `Roles of ${user.displayName} changed.` });
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Roles of ${user.displayName}`}>
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
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save roles
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Deactivate({ user, onClose }: { user: PartnerUser; onClose: () => void }) {
  const queryClient = useQueryClient();
  const deactivate = useGraphQLMutation(DeactivatePartnerUserDocument);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const submit = async () => {
    const payload = (await deactivate.mutateAsync({ id: user.id })).deactivatePartnerUser;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: `${user.displayName} was deactivated.` });
    void queryClient.invalidateQueries();
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={`Deactivate ${user.displayName}?`}>
      <Stack>
        <Text size="sm">{user.email} can no longer sign in; sessions already open stop working within 30 seconds.</Text>
        <FormErrors errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={deactivate.isPending} onClick={() => void submit()}>
            Deactivate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
