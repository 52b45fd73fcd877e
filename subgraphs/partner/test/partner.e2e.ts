import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '@partner-graph/platform';
import { startStack, type Stack } from '../../../test/stack.js';

const CONTOSO_ADMIN = DEMO.users.contosoAdmin.email;
const FABRIKAM_ADMIN = DEMO.users.fabrikamAdmin.email;

const CREATE_USER = `mutation($input: CreatePartnerUserInput!, $key: String) {
  createPartnerUser(input: $input, idempotencyKey: $key) {
    user { id email companyRole customerAccess active partner { companyName } }
    temporaryPassword
    errors { code message field }
  }
}`;
const UPDATE_USER = `mutation($id: ID!, $input: UpdatePartnerUserInput!) {
  updatePartnerUser(id: $id, input: $input) { user { id companyRole customerAccess displayName } errors { code field } }
}`;
const DEACTIVATE_USER = `mutation($id: ID!) { deactivatePartnerUser(id: $id) { user { id active } errors { code field } } }`;
const UPDATE_PROFILE = `mutation($input: UpdatePartnerProfileInput!) {
  updatePartnerProfile(input: $input) { partner { companyName phone website address { city country } } errors { code field } }
}`;

let stack: Stack;
let userAdmin: string;
let billingAdmin: string;
let sequence = 0;

async function createUser(as: string, companyRole: string, customerAccess = 'NONE') {
  sequence += 1;
  return stack.graphql(
    CREATE_USER,
    { input: { displayName: `User ${sequence}`, email: `user${sequence}@contoso-partner.example`, companyRole, customerAccess } },
    { as },
  );
}

beforeAll(async () => {
  stack = await startStack();
  userAdmin = (await createUser(CONTOSO_ADMIN, 'USER_ADMIN')).data!.createPartnerUser.user.email;
  billingAdmin = (await createUser(CONTOSO_ADMIN, 'BILLING_ADMIN')).data!.createPartnerUser.user.email;
});
afterAll(async () => {
  await stack?.stop();
});

describe('reading the partner directory', () => {
  it.each(Object.values(DEMO.users).map((user) => user.email))('%s reads their own partner profile', async (email) => {
    const { data, errors } = await stack.graphql('{ partner { id companyName mpnId advisorCode address { country } } }', {}, { as: email });
    expect(errors).toBeUndefined();
    expect(data!.partner.id).toBe(email.includes('fabrikam') ? DEMO.partners.fabrikam : DEMO.partners.contoso);
  });

  it('lists users for GLOBAL_ADMIN and USER_ADMIN only', async () => {
    const query = '{ partner { users { email } } }';
    for (const as of [CONTOSO_ADMIN, userAdmin]) {
      const { data } = await stack.graphql(query, {}, { as });
      expect(data!.partner.users.map((u: { email: string }) => u.email)).toContain(DEMO.users.contosoAgent.email);
    }
    for (const as of [billingAdmin, DEMO.users.contosoAgent.email, DEMO.users.contosoSales.email]) {
      const { errors } = await stack.graphql(query, {}, { as });
      expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('Fabrikam never sees Contoso users', async () => {
    const { data } = await stack.graphql('{ partner { users { email } } }', {}, { as: FABRIKAM_ADMIN });
    const emails = data!.partner.users.map((u: { email: string }) => u.email);
    expect(emails).toEqual([FABRIKAM_ADMIN]);
  });
});

describe('updatePartnerProfile: GLOBAL_ADMIN only', () => {
  it('GLOBAL_ADMIN edits the profile', async () => {
    const { data } = await stack.graphql(
      UPDATE_PROFILE,
      { input: { phone: '+33 1 00 00 00 00', website: 'https://contoso.example' } },
      { as: CONTOSO_ADMIN },
    );
    expect(data!.updatePartnerProfile).toMatchObject({
      errors: [],
      partner: { phone: '+33 1 00 00 00 00', website: 'https://contoso.example' },
    });
  });

  it('refuses every other role', async () => {
    for (const as of [
      userAdmin,
      billingAdmin,
      DEMO.users.contosoAgent.email,
      DEMO.users.contosoHelpdesk.email,
      DEMO.users.contosoSales.email,
    ]) {
      const { errors, data } = await stack.graphql(UPDATE_PROFILE, { input: { phone: '+33 9 99 99 99 99' } }, { as });
      expect(errors?.[0]?.extensions?.code, as).toBe('FORBIDDEN');
      expect(data?.updatePartnerProfile ?? null).toBeNull();
    }
  });

  it('Fabrikam edits only its own profile', async () => {
    const { data } = await stack.graphql(UPDATE_PROFILE, { input: { companyName: 'Fabrikam Resellers SpA' } }, { as: FABRIKAM_ADMIN });
    expect(data!.updatePartnerProfile.partner.companyName).toBe('Fabrikam Resellers SpA');
    const contoso = await stack.graphql('{ partner { companyName } }', {}, { as: CONTOSO_ADMIN });
    expect(contoso.data!.partner.companyName).toBe('Contoso Cloud Partners');
  });

  it('returns field errors for invalid input', async () => {
    const { data } = await stack.graphql(
      UPDATE_PROFILE,
      { input: { email: 'not-an-email', website: 'ftp://x', address: { line1: 'x', city: 'Paris', postalCode: '75001', country: 'FRA' } } },
      { as: CONTOSO_ADMIN },
    );
    expect(data!.updatePartnerProfile.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'address.country',
      'email',
      'website',
    ]);
  });
});

describe('createPartnerUser', () => {
  it('GLOBAL_ADMIN creates a user and gets the temporary password once', async () => {
    const { data } = await createUser(CONTOSO_ADMIN, 'NONE', 'LIMITED');
    const created = data!.createPartnerUser;
    expect(created.errors).toEqual([]);
    expect(created.temporaryPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(created.user).toMatchObject({
      companyRole: 'NONE',
      customerAccess: 'LIMITED',
      active: true,
      partner: { companyName: 'Contoso Cloud Partners' },
    });
    const stored = await stack.subgraphs.partner.db.query('SELECT password_hash FROM partner_user WHERE id = $1', [created.user.id]);
    expect(stored[0].password_hash).not.toContain(created.temporaryPassword);
  });

  it('the new user can sign in at once', async () => {
    const { data } = await createUser(CONTOSO_ADMIN, 'NONE', 'FULL');
    const me = await stack.graphql('{ me { email } }', {}, { as: data!.createPartnerUser.user.email });
    expect(me.data!.me.email).toBe(data!.createPartnerUser.user.email);
  });

  it('USER_ADMIN creates users but cannot grant GLOBAL_ADMIN', async () => {
    expect((await createUser(userAdmin, 'BILLING_ADMIN')).data!.createPartnerUser.errors).toEqual([]);
    const refused = await createUser(userAdmin, 'GLOBAL_ADMIN');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses BILLING_ADMIN and NONE', async () => {
    for (const as of [billingAdmin, DEMO.users.contosoAgent.email, DEMO.users.contosoSales.email]) {
      expect((await createUser(as, 'NONE')).errors?.[0]?.extensions?.code, as).toBe('FORBIDDEN');
    }
  });

  it('refuses a taken email and an invalid one', async () => {
    const taken = await stack.graphql(
      CREATE_USER,
      { input: { displayName: 'Dup', email: 'AGENT@contoso-partner.example', companyRole: 'NONE', customerAccess: 'NONE' } },
      { as: CONTOSO_ADMIN },
    );
    expect(taken.data!.createPartnerUser.errors).toEqual([{ code: 'EMAIL_TAKEN', message: expect.any(String), field: 'email' }]);
    const invalid = await stack.graphql(
      CREATE_USER,
      { input: { displayName: 'Bad', email: 'nope', companyRole: 'NONE', customerAccess: 'NONE' } },
      { as: CONTOSO_ADMIN },
    );
    expect(invalid.data!.createPartnerUser.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'email' });
  });

  it('a retry with the same idempotency key returns the same user and creates nothing', async () => {
    const input = { displayName: 'Idem', email: 'idem@contoso-partner.example', companyRole: 'NONE', customerAccess: 'NONE' };
    const first = await stack.graphql(CREATE_USER, { input, key: 'create-idem-1' }, { as: CONTOSO_ADMIN });
    const second = await stack.graphql(CREATE_USER, { input, key: 'create-idem-1' }, { as: CONTOSO_ADMIN });
    expect(second.data!.createPartnerUser.user.id).toBe(first.data!.createPartnerUser.user.id);
    expect(second.data!.createPartnerUser.temporaryPassword).toBeNull();
    const rows = await stack.subgraphs.partner.db.query(
      "SELECT count(*)::int AS n FROM partner_user WHERE email = 'idem@contoso-partner.example'",
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('updatePartnerUser and deactivatePartnerUser', () => {
  it('USER_ADMIN changes an ordinary user but not a GLOBAL_ADMIN, and cannot promote to it', async () => {
    const target = (await createUser(CONTOSO_ADMIN, 'NONE')).data!.createPartnerUser.user.id;
    const ok = await stack.graphql(UPDATE_USER, { id: target, input: { customerAccess: 'FULL' } }, { as: userAdmin });
    expect(ok.data!.updatePartnerUser).toMatchObject({ errors: [], user: { customerAccess: 'FULL' } });
    const promote = await stack.graphql(UPDATE_USER, { id: target, input: { companyRole: 'GLOBAL_ADMIN' } }, { as: userAdmin });
    expect(promote.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const changeAdmin = await stack.graphql(
      UPDATE_USER,
      { id: DEMO.users.contosoAdmin.id, input: { displayName: 'Hijacked' } },
      { as: userAdmin },
    );
    expect(changeAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deactivateAdmin = await stack.graphql(DEACTIVATE_USER, { id: DEMO.users.contosoAdmin.id }, { as: userAdmin });
    expect(deactivateAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a USER_ADMIN cannot raise its own customer access or change its own role; a GLOBAL_ADMIN changes them', async () => {
    const created = (await createUser(CONTOSO_ADMIN, 'USER_ADMIN')).data!.createPartnerUser.user;
    for (const input of [{ customerAccess: 'FULL' }, { customerAccess: 'LIMITED' }, { companyRole: 'BILLING_ADMIN' }]) {
      const refused = await stack.graphql(UPDATE_USER, { id: created.id, input }, { as: created.email });
      expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('FORBIDDEN');
    }
    const rows = await stack.subgraphs.partner.db.query(
      'SELECT company_role AS "companyRole", customer_access AS "customerAccess" FROM partner_user WHERE id = $1',
      [created.id],
    );
    expect(rows[0]).toEqual({ companyRole: 'USER_ADMIN', customerAccess: 'NONE' });
    const renamed = await stack.graphql(UPDATE_USER, { id: created.id, input: { displayName: 'Renamed Self' } }, { as: created.email });
    expect(renamed.data!.updatePartnerUser.errors).toEqual([]);
    const granted = await stack.graphql(UPDATE_USER, { id: created.id, input: { customerAccess: 'FULL' } }, { as: CONTOSO_ADMIN });
    expect(granted.data!.updatePartnerUser).toMatchObject({ errors: [], user: { customerAccess: 'FULL' } });
  });

  it('GLOBAL_ADMIN promotes to GLOBAL_ADMIN', async () => {
    const target = (await createUser(CONTOSO_ADMIN, 'NONE')).data!.createPartnerUser.user.id;
    const { data } = await stack.graphql(UPDATE_USER, { id: target, input: { companyRole: 'GLOBAL_ADMIN' } }, { as: CONTOSO_ADMIN });
    expect(data!.updatePartnerUser.user.companyRole).toBe('GLOBAL_ADMIN');
  });

  it('refuses BILLING_ADMIN and NONE', async () => {
    for (const as of [billingAdmin, DEMO.users.contosoAgent.email]) {
      const update = await stack.graphql(UPDATE_USER, { id: DEMO.users.contosoSales.id, input: { displayName: 'x' } }, { as });
      expect(update.errors?.[0]?.extensions?.code, as).toBe('FORBIDDEN');
      const deactivate = await stack.graphql(DEACTIVATE_USER, { id: DEMO.users.contosoSales.id }, { as });
      expect(deactivate.errors?.[0]?.extensions?.code, as).toBe('FORBIDDEN');
    }
  });

  it("another partner's user is NOT_FOUND, exactly like an unknown id", async () => {
    for (const id of [DEMO.users.contosoSales.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const update = await stack.graphql(UPDATE_USER, { id, input: { displayName: 'x' } }, { as: FABRIKAM_ADMIN });
      expect(update.data!.updatePartnerUser).toMatchObject({ user: null, errors: [{ code: 'NOT_FOUND', field: 'id' }] });
      const deactivate = await stack.graphql(DEACTIVATE_USER, { id }, { as: FABRIKAM_ADMIN });
      expect(deactivate.data!.deactivatePartnerUser).toMatchObject({ user: null, errors: [{ code: 'NOT_FOUND', field: 'id' }] });
    }
    const sales = await stack.graphql('{ me { displayName active } }', {}, { as: DEMO.users.contosoSales.email });
    expect(sales.data!.me).toEqual({ displayName: 'Sacha Sales', active: true });
  });

  it('keeps the last active GLOBAL_ADMIN', async () => {
    const { data } = await stack.graphql(
      UPDATE_USER,
      { id: DEMO.users.fabrikamAdmin.id, input: { companyRole: 'NONE' } },
      { as: FABRIKAM_ADMIN },
    );
    expect(data!.updatePartnerUser.errors[0].code).toBe('LAST_GLOBAL_ADMIN');
    const self = await stack.graphql(DEACTIVATE_USER, { id: DEMO.users.fabrikamAdmin.id }, { as: FABRIKAM_ADMIN });
    expect(self.data!.deactivatePartnerUser.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
  });

  it("a deactivated user's token stops working once the viewer cache expires", async () => {
    const created = (await createUser(CONTOSO_ADMIN, 'NONE', 'FULL')).data!.createPartnerUser.user;
    const token = await stack.tokenFor(created.email);
    expect((await stack.graphql('{ me { id } }', {}, { token })).data!.me.id).toBe(created.id);
    const { data } = await stack.graphql(DEACTIVATE_USER, { id: created.id }, { as: CONTOSO_ADMIN });
    expect(data!.deactivatePartnerUser.user.active).toBe(false);
    const cached = await stack.graphql('{ me { id } }', {}, { token });
    expect(cached.data!.me.id, 'still cached: a viewer may be reused for up to 30 s').toBe(created.id);
    stack.clock.advance(30_001);
    const after = await stack.graphql('{ me { id } }', {}, { token });
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(after.status).toBe(401);
  });

  it('every change is in the audit trail', async () => {
    const rows = await stack.subgraphs.partner.db.query(
      "SELECT operation, outcome, request_id FROM audit_record WHERE partner_id = $1 AND operation = 'deactivatePartnerUser'",
      [DEMO.partners.contoso],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].request_id).toBeTruthy();
    await expect(stack.subgraphs.partner.db.query('DELETE FROM audit_record')).rejects.toThrow(/append-only/);
  });

  it('refused attempts are audited too, without their input', async () => {
    await stack.graphql(UPDATE_PROFILE, { input: { phone: '+33 5 55 55 55 55' } }, { as: DEMO.users.contosoSales.email });
    await stack.graphql(
      CREATE_USER,
      { input: { displayName: 'Dup', email: 'agent@contoso-partner.example', companyRole: 'NONE', customerAccess: 'NONE' } },
      { as: CONTOSO_ADMIN },
    );
    const rows: { operation: string; outcome: string; user_id: string; new_value: unknown }[] = await stack.subgraphs.partner.db.query(
      "SELECT operation, outcome, user_id, new_value FROM audit_record WHERE partner_id = $1 AND outcome <> 'SUCCESS' ORDER BY occurred_at",
      [DEMO.partners.contoso],
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ operation: 'updatePartnerProfile', outcome: 'FORBIDDEN', user_id: DEMO.users.contosoSales.id }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        operation: 'createPartnerUser',
        outcome: 'REJECTED: EMAIL_TAKEN',
        new_value: [{ code: 'EMAIL_TAKEN', field: 'email' }],
      }),
    );
  });
});
