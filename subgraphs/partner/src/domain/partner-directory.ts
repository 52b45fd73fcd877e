import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  authorize,
  DomainError,
  forbidden,
  generateTemporaryPassword,
  hashPassword,
  idempotent,
  isCountryCode,
  isEmail,
  isPhone,
  isUuid,
  isWebsite,
  normaliseEmail,
  notFound,
  Problems,
  writeAudit,
  type Clock,
  type CompanyRole,
  type CustomerAccess,
  type PartnerViewer,
  type Viewer,
  type Actor,
} from '@partner-graph/platform';
import type { PartnerRow, PartnerStore, PartnerUserRow } from '../db/index.js';
import { checkOwnRolesUnchanged } from './rules.js';

const USER_MANAGERS = ['GLOBAL_ADMIN', 'USER_ADMIN'] as const;

export interface ProfileChanges {
  companyName?: string | null;
  address?: { line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; country: string } | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
}

export interface NewPartnerUser {
  displayName: string;
  email: string;
  companyRole: CompanyRole;
  customerAccess: CustomerAccess;
}

export interface PartnerUserChanges {
  displayName?: string | null;
  companyRole?: CompanyRole | null;
  customerAccess?: CustomerAccess | null;
}

const userAuditView = (user: PartnerUserRow) => ({
  displayName: user.displayName,
  email: user.email,
  companyRole: user.companyRole,
  customerAccess: user.customerAccess,
  active: user.active,
});

/** The partner directory's rules: who may read and change the profile and the users. */
export class PartnerDirectory {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly partners: PartnerStore,
  ) {}

  /** The gateway's view of a token subject: only an active user of an existing partner. */
  async viewerContext(subject: string): Promise<(PartnerViewer & { kind: 'partner-user' }) | null> {
    const user = await this.partners.activeUserBySubject(subject);
    if (!user) return null;
    const partner = await this.partners.partner(user.partnerId);
    return {
      kind: 'partner-user',
      partnerId: partner.id,
      userId: user.id,
      companyRole: user.companyRole,
      customerAccess: user.customerAccess,
      programs: partner.programs,
    };
  }

  /** The partner's users, for the admins who manage them. */
  async listUsers(viewer: Viewer, partnerId: string, includeInactive: boolean): Promise<PartnerUserRow[]> {
    const allowed = authorize(viewer, { companyRole: USER_MANAGERS });
    if (allowed.partnerId !== partnerId) return [];
    return this.partners.usersOf(partnerId, includeInactive);
  }

  async updateProfile(actor: Actor, changes: ProfileChanges): Promise<PartnerRow> {
    const viewer = authorize(actor.viewer, { companyRole: ['GLOBAL_ADMIN'] });
    const problems = new Problems();
    if (changes.companyName !== undefined && !changes.companyName?.trim())
      problems.add('VALIDATION_FAILED', 'Company name is required', 'companyName');
    if (changes.email != null && !isEmail(changes.email)) problems.add('VALIDATION_FAILED', 'Not a valid email address', 'email');
    if (changes.phone != null && !isPhone(changes.phone)) problems.add('VALIDATION_FAILED', 'Not a valid phone number', 'phone');
    if (changes.website && !isWebsite(changes.website)) problems.add('VALIDATION_FAILED', 'Website must be an http(s) URL', 'website');
    if (changes.address) {
      if (!changes.address.line1.trim()) problems.add('VALIDATION_FAILED', 'Address line 1 is required', 'address.line1');
      if (!changes.address.city.trim()) problems.add('VALIDATION_FAILED', 'City is required', 'address.city');
      if (!changes.address.postalCode.trim()) problems.add('VALIDATION_FAILED', 'Postal code is required', 'address.postalCode');
      if (!isCountryCode(changes.address.country))
        problems.add('VALIDATION_FAILED', 'Country must be an ISO 3166-1 alpha-2 code', 'address.country');
    }
    problems.throwIfAny();

    return this.db.transaction(async (manager) => {
      const before = await this.partners.lockedPartner(manager, viewer.partnerId);
      const after: PartnerRow = {
        ...before,
        companyName: changes.companyName?.trim() ?? before.companyName,
        phone: changes.phone ?? before.phone,
        email: changes.email ?? before.email,
        website: changes.website === undefined ? before.website : changes.website || null,
        ...(changes.address
          ? {
              addressLine1: changes.address.line1,
              addressLine2: changes.address.line2 ?? null,
              city: changes.address.city,
              region: changes.address.region ?? null,
              postalCode: changes.address.postalCode,
              country: changes.address.country.toUpperCase(),
            }
          : {}),
        updatedAt: this.clock.now(),
      };
      await this.partners.savePartner(after, manager);
      const { createdAt: _c, updatedAt: _u, ...oldValue } = before;
      const { createdAt: _c2, updatedAt: _u2, ...newValue } = after;
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation: 'updatePartnerProfile', resourceType: 'Partner', resourceId: before.id, oldValue, newValue },
      );
      return after;
    });
  }

  async createUser(
    actor: Actor,
    input: NewPartnerUser,
    idempotencyKey: string | null | undefined,
  ): Promise<{ user: PartnerUserRow; temporaryPassword: string | null }> {
    const viewer = authorize(actor.viewer, { companyRole: USER_MANAGERS });
    if (input.companyRole === 'GLOBAL_ADMIN' && viewer.companyRole !== 'GLOBAL_ADMIN') {
      throw forbidden('Only a GLOBAL_ADMIN can grant GLOBAL_ADMIN');
    }
    const problems = new Problems();
    if (!input.displayName.trim()) problems.add('VALIDATION_FAILED', 'Display name is required', 'displayName');
    if (!isEmail(input.email)) problems.add('VALIDATION_FAILED', 'Not a valid email address', 'email');
    problems.throwIfAny();
    const email = normaliseEmail(input.email);

    let temporaryPassword: string | null = null;
    const receipt = await this.db.transaction(async (manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'createPartnerUser', key: idempotencyKey, request: input, clock: this.clock },
        async () => {
          // Unique within the partner only: another partner's users are not this partner's business.
          if (await this.partners.emailTaken(viewer.partnerId, email, manager))
            throw new DomainError('EMAIL_TAKEN', 'A partner user with this email already exists', 'email');
          temporaryPassword = generateTemporaryPassword();
          const now = this.clock.now();
          const user: PartnerUserRow = {
            id: randomUUID(),
            partnerId: viewer.partnerId,
            displayName: input.displayName.trim(),
            email,
            subject: randomUUID(),
            companyRole: input.companyRole,
            customerAccess: input.customerAccess,
            active: true,
            passwordHash: await hashPassword(temporaryPassword),
            createdAt: now,
            updatedAt: now,
          };
          await this.partners.insertUser(user, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            { operation: 'createPartnerUser', resourceType: 'PartnerUser', resourceId: user.id, newValue: userAuditView(user) },
          );
          return { userId: user.id };
        },
      ),
    );
    const user = await this.partners.user(receipt.userId);
    // A replayed request returns the same user; the password was shown once and is not stored.
    return { user, temporaryPassword };
  }

  async updateUser(actor: Actor, id: string, changes: PartnerUserChanges): Promise<PartnerUserRow> {
    const viewer = authorize(actor.viewer, { companyRole: USER_MANAGERS });
    if (changes.displayName !== undefined && !changes.displayName?.trim()) {
      throw new DomainError('VALIDATION_FAILED', 'Display name is required', 'displayName');
    }
    return this.changeUser(actor, viewer, id, 'updatePartnerUser', (user) => ({
      ...user,
      displayName: changes.displayName?.trim() ?? user.displayName,
      companyRole: changes.companyRole ?? user.companyRole,
      customerAccess: changes.customerAccess ?? user.customerAccess,
    }));
  }

  async deactivateUser(actor: Actor, id: string): Promise<PartnerUserRow> {
    const viewer = authorize(actor.viewer, { companyRole: USER_MANAGERS });
    if (id === viewer.userId) throw new DomainError('VALIDATION_FAILED', 'You cannot deactivate yourself', 'id');
    return this.changeUser(actor, viewer, id, 'deactivatePartnerUser', (user) => ({ ...user, active: false }));
  }

  /** Loads a user of the viewer's partner under the partner's lock, applies `change`, keeps one active global admin. */
  private async changeUser(
    actor: Actor,
    viewer: PartnerViewer,
    id: string,
    operation: string,
    change: (user: PartnerUserRow) => PartnerUserRow,
  ): Promise<PartnerUserRow> {
    return this.db.transaction(async (manager) => {
      // Serialises role changes within a partner, so two demotions cannot both pass the last-admin check.
      await this.partners.lockPartner(manager, viewer.partnerId);
      const before = isUuid(id) ? await this.partners.userOf(viewer.partnerId, id, manager) : null;
      if (!before) throw notFound('Partner user', 'id');
      const after = { ...change(before), updatedAt: this.clock.now() };
      if (viewer.companyRole !== 'GLOBAL_ADMIN' && (before.companyRole === 'GLOBAL_ADMIN' || after.companyRole === 'GLOBAL_ADMIN')) {
        throw forbidden('Only a GLOBAL_ADMIN can grant or change GLOBAL_ADMIN');
      }
      checkOwnRolesUnchanged(viewer, before, after);
      const losesGlobalAdmin =
        before.companyRole === 'GLOBAL_ADMIN' && before.active && (after.companyRole !== 'GLOBAL_ADMIN' || !after.active);
      if (losesGlobalAdmin && (await this.partners.activeGlobalAdmins(viewer.partnerId, manager)) <= 1) {
        throw new DomainError('LAST_GLOBAL_ADMIN', 'The partner must keep at least one active GLOBAL_ADMIN', 'companyRole');
      }
      await this.partners.saveUser(after, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        { operation, resourceType: 'PartnerUser', resourceId: id, oldValue: userAuditView(before), newValue: userAuditView(after) },
      );
      return after;
    });
  }
}
