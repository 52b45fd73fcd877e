import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  addDays,
  authorize,
  DomainError,
  effectiveCustomerAccess,
  forbidden,
  generateTemporaryPassword,
  hashPassword,
  idempotent,
  isUuid,
  notFound,
  Problems,
  writeAudit,
  type Clock,
  type PartnerViewer,
} from '@partner-graph/platform';
import { CustomerUser, type CustomerUserRow } from '../db/index.js';
import type { CustomerAccessView } from '../db/customer-views.js';
import { customerOfViewer, limitedRelationship } from './access.js';
import type { TenantLicences } from './tenant-licences.js';
import { isUserLocalPart, localPartFromName, USER_RESTORE_DAYS, type Actor } from './rules.js';

export interface NewCustomerUser {
  firstName: string;
  lastName: string;
  userName?: string | null;
  isAdmin?: boolean | null;
}

const auditView = (user: CustomerUserRow) => ({ userName: user.userName, firstName: user.firstName, lastName: user.lastName, isAdmin: user.isAdmin, deletedAt: user.deletedAt });

/** When a deleted user is purged for good. */
export const purgeAt = (user: CustomerUserRow): Date | null => (user.deletedAt ? addDays(user.deletedAt, USER_RESTORE_DAYS) : null);

/** A customer's users: create, soft-delete / restore (30 days), reset password. */
export class CustomerUsers {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly licences: TenantLicences,
  ) {}

  /** Users deleted more than 30 days ago no longer exist, even before the purge job has run. */
  visibleSince(): Date {
    return addDays(this.clock.now(), -USER_RESTORE_DAYS);
  }

  async create(actor: Actor, customerId: string, input: NewCustomerUser, idempotencyKey: string | null | undefined): Promise<{ user: CustomerUserRow; temporaryPassword: string | null }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    const problems = new Problems();
    if (!input.firstName.trim()) problems.add('VALIDATION_FAILED', 'First name is required', 'input.firstName');
    if (!input.lastName.trim()) problems.add('VALIDATION_FAILED', 'Last name is required', 'input.lastName');
    const localPart = (input.userName?.trim() || localPartFromName(input.firstName, input.lastName)).toLowerCase();
    if (!isUserLocalPart(localPart)) problems.add('VALIDATION_FAILED', 'User name: letters, digits, dots, hyphens or underscores', 'input.userName');

    let temporaryPassword: string | null = null;
    const receipt = await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId, { admin: 'FULL', lock: true });
      problems.throwIfAny();
      return idempotent(manager, { scope: viewer.partnerId, operation: 'createCustomerUser', key: idempotencyKey, request: { customerId, input }, clock: this.clock }, async () => {
        const userName = `${localPart}@${customer.defaultDomain}`;
        const taken: unknown[] = await manager.query(`SELECT 1 FROM customer_user WHERE lower(user_name) = $1`, [userName.toLowerCase()]);
        if (taken.length > 0) throw new DomainError('EMAIL_TAKEN', `${userName} already exists`, 'input.userName');
        temporaryPassword = generateTemporaryPassword();
        const now = this.clock.now();
        const user: CustomerUserRow = {
          id: randomUUID(),
          customerId: customer.id,
          userName,
          firstName: input.firstName.trim(),
          lastName: input.lastName.trim(),
          isAdmin: input.isAdmin ?? false,
          passwordHash: await hashPassword(temporaryPassword),
          deletedAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await manager.insert(CustomerUser, user);
        await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'createCustomerUser', resourceType: 'CustomerUser', resourceId: user.id, customerId: customer.id, newValue: auditView(user) });
        return { userId: user.id };
      });
    });
    const user = await this.db.getRepository(CustomerUser).findOneByOrFail({ id: receipt.userId });
    return { user, temporaryPassword };
  }

  /**
   * Deleting frees the user's licences (SPEC §4.2): checked first, so a refusal changes nothing;
   * then the licences are freed and the user deleted. A failure in between leaves the user
   * undeleted with its licences kept aside, and a retry (idempotent) completes it.
   */
  async delete(actor: Actor, id: string): Promise<{ user: CustomerUserRow; released: string[] }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    const rule: UserChange = async (manager, user) => {
      if (user.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'This user is already deleted', 'id');
      if (user.isAdmin) {
        const admins: unknown[] = await manager.query(`SELECT 1 FROM customer_user WHERE customer_id = $1 AND is_admin AND deleted_at IS NULL AND id <> $2`, [user.customerId, user.id]);
        if (admins.length === 0) throw new DomainError('VALIDATION_FAILED', 'The customer must keep at least one admin', 'id');
      }
      return { ...user, deletedAt: this.clock.now() };
    };
    const before = await this.check(viewer, id, 'FULL', rule);
    const released = await this.licences.release(actor, before.customerId, id);
    try {
      return { user: await this.change(actor, viewer, id, 'deleteCustomerUser', 'FULL', rule), released };
    } catch (error) {
      // Refused after all: give the licences back — unless a concurrent delete of the same user
      // won, whose licences these now are to keep aside.
      if (!(await this.isDeleted(id))) await this.licences.reinstate(actor, before.customerId, id);
      throw error;
    }
  }

  /**
   * Restoring (within 30 days) gives the user back the licences it held where seats are still
   * free, and names the others. The licences come back first, then the user is restored.
   */
  async restore(actor: Actor, id: string): Promise<{ user: CustomerUserRow } & Awaited<ReturnType<TenantLicences['reinstate']>>> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    const rule: UserChange = async (_manager, user) => {
      if (!user.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'This user is not deleted', 'id');
      return { ...user, deletedAt: null };
    };
    const before = await this.check(viewer, id, 'FULL', rule);
    const licences = await this.licences.reinstate(actor, before.customerId, id);
    try {
      return { user: await this.change(actor, viewer, id, 'restoreCustomerUser', 'FULL', rule), ...licences };
    } catch (error) {
      // Refused after all: free them again — unless a concurrent restore of the same user won.
      if (await this.isDeleted(id)) await this.licences.release(actor, before.customerId, id);
      throw error;
    }
  }

  private async isDeleted(id: string): Promise<boolean> {
    const user = await this.db.getRepository(CustomerUser).findOneBy({ id });
    return user?.deletedAt != null;
  }

  async resetPassword(actor: Actor, id: string): Promise<{ user: CustomerUserRow; temporaryPassword: string }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL', 'LIMITED'] });
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const user = await this.change(actor, viewer, id, 'resetCustomerUserPassword', 'LIMITED', async (_manager, before, customer) => {
      // A helpdesk agent is a password admin: it cannot reset an admin's password; nor can anyone
      // through a LIMITED delegated-admin relationship.
      if (before.isAdmin && viewer.customerAccess !== 'FULL') throw forbidden("Only FULL customer access can reset a customer admin's password");
      if (before.isAdmin && effectiveCustomerAccess(viewer, customer.adminAccess) !== 'FULL') throw limitedRelationship('id');
      if (before.deletedAt) throw new DomainError('INVALID_STATUS_TRANSITION', 'Restore the user before resetting its password', 'id');
      return { ...before, passwordHash };
    });
    return { user, temporaryPassword };
  }

  /** Purges users deleted more than 30 days ago; returns how many. */
  async purgeExpired(): Promise<number> {
    return this.db.transaction(async (manager) => {
      const purged: { id: string; customer_id: string; user_name: string }[] = await manager.query(
        `DELETE FROM customer_user WHERE deleted_at <= $1 RETURNING id, customer_id, user_name`,
        [this.visibleSince()],
      );
      for (const user of purged) {
        await writeAudit(manager, { viewer: { kind: 'system' }, requestId: 'purge-customer-users', clock: this.clock }, {
          operation: 'purgeCustomerUser',
          resourceType: 'CustomerUser',
          resourceId: user.id,
          customerId: user.customer_id,
          oldValue: { userName: user.user_name },
        });
      }
      return purged.length;
    });
  }

  /** Runs `change`'s rule without a lock and saves nothing: whether the change would be refused. */
  private async check(viewer: PartnerViewer, id: string, admin: 'FULL' | 'LIMITED', rule: UserChange): Promise<CustomerUserRow> {
    return this.db.transaction(async (manager) => {
      const { user, customer } = await this.load(manager, viewer, id, admin, false);
      await rule(manager, user, customer);
      return user;
    });
  }

  /** Loads a (not purged) user of a customer the viewer's partner administers, applies `change` under lock, audits. */
  private async change(actor: Actor, viewer: PartnerViewer, id: string, operation: string, admin: 'FULL' | 'LIMITED', change: UserChange): Promise<CustomerUserRow> {
    return this.db.transaction(async (manager) => {
      const { user, customer } = await this.load(manager, viewer, id, admin, true);
      const after = { ...(await change(manager, user, customer)), updatedAt: this.clock.now() };
      await manager.save(CustomerUser, after);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation, resourceType: 'CustomerUser', resourceId: id, customerId: user.customerId, oldValue: auditView(user), newValue: auditView(after) });
      return after;
    });
  }

  private async load(manager: EntityManager, viewer: PartnerViewer, id: string, admin: 'FULL' | 'LIMITED', lock: boolean): Promise<{ user: CustomerUserRow; customer: CustomerAccessView }> {
    if (!isUuid(id)) throw notFound('Customer user', 'id');
    // The partner scope is part of the lookup: another partner's user is never read nor locked,
    // so it answers exactly like an unknown id.
    const mine: unknown[] = await manager.query(
      `SELECT 1 FROM customer_user cu JOIN customer_partner cp ON cp.customer_id = cu.customer_id AND cp.partner_id = $2 WHERE cu.id = $1${lock ? ' FOR UPDATE OF cu' : ''}`,
      [id, viewer.partnerId],
    );
    const user = mine.length > 0 ? await manager.findOneBy(CustomerUser, { id }) : null;
    if (!user || (user.deletedAt && user.deletedAt <= this.visibleSince())) throw notFound('Customer user', 'id');
    const customer = await customerOfViewer(manager, this.clock, viewer, user.customerId, { admin, field: 'id' });
    return { user, customer };
  }
}

type UserChange = (manager: EntityManager, user: CustomerUserRow, customer: CustomerAccessView) => Promise<CustomerUserRow>;
