import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  addDays,
  authorize,
  DomainError,
  generateTemporaryPassword,
  hashPassword,
  idempotent,
  isUuid,
  notFound,
  ReinstateCustomerUserLicencesDocument,
  ReleaseCustomerUserLicencesDocument,
  writeAudit,
  type Clock,
  type PartnerViewer,
  type PayloadError,
  type ServiceClient,
  type Actor,
} from '@partner-graph/platform';
import type { CustomerUserRow, CustomerUserStore } from '../db/index.js';
import type { CustomerAccessView } from '../db/customer-views.js';
import { customerOfViewer } from './access.js';
import { checkPasswordReset, deleted, readNewCustomerUser, restored, USER_RESTORE_DAYS } from './rules.js';

export interface NewCustomerUser {
  firstName: string;
  lastName: string;
  userName?: string | null;
  isAdmin?: boolean | null;
}

const auditView = (user: CustomerUserRow) => ({
  userName: user.userName,
  firstName: user.firstName,
  lastName: user.lastName,
  isAdmin: user.isAdmin,
  deletedAt: user.deletedAt,
});

/** A customer's users: create, soft-delete / restore (30 days), reset password. */
export class CustomerUsers {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    /** The user's licences are the subscription subgraph's: freed at a deletion, given back at a restore (both idempotent). */
    private readonly services: ServiceClient,
    private readonly store: CustomerUserStore,
  ) {}

  /** Users deleted more than 30 days ago no longer exist, even before the purge job has run. */
  visibleSince(): Date {
    return addDays(this.clock.now(), -USER_RESTORE_DAYS);
  }

  async create(
    actor: Actor,
    customerId: string,
    input: NewCustomerUser,
    idempotencyKey: string | null | undefined,
  ): Promise<{ user: CustomerUserRow; temporaryPassword: string | null }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    let temporaryPassword: string | null = null;
    const receipt = await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId, { admin: 'FULL', lock: true });
      // The customer first: an unrelated one answers NOT_FOUND whatever the input.
      const { firstName, lastName, localPart } = readNewCustomerUser(input);
      return idempotent(
        manager,
        {
          scope: viewer.partnerId,
          operation: 'createCustomerUser',
          key: idempotencyKey,
          request: { customerId, input },
          clock: this.clock,
        },
        async () => {
          const userName = `${localPart}@${customer.defaultDomain}`;
          if (await this.store.userNameTaken(userName, manager))
            throw new DomainError('EMAIL_TAKEN', `${userName} already exists`, 'input.userName');
          temporaryPassword = generateTemporaryPassword();
          const now = this.clock.now();
          const user: CustomerUserRow = {
            id: randomUUID(),
            customerId: customer.id,
            userName,
            firstName,
            lastName,
            isAdmin: input.isAdmin ?? false,
            passwordHash: await hashPassword(temporaryPassword),
            deletedAt: null,
            createdAt: now,
            updatedAt: now,
          };
          await this.store.insert(user, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'createCustomerUser',
              resourceType: 'CustomerUser',
              resourceId: user.id,
              customerId: customer.id,
              newValue: auditView(user),
            },
          );
          return { userId: user.id };
        },
      );
    });
    const user = await this.store.get(receipt.userId);
    return { user, temporaryPassword };
  }

  /**
   * Deleting frees the user's licences: checked first, so a refusal changes nothing;
   * then the licences are freed and the user deleted. A failure in between leaves the user
   * undeleted with its licences kept aside, and a retry (idempotent) completes it.
   */
  async delete(actor: Actor, id: string): Promise<{ user: CustomerUserRow; released: string[] }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    const rule: UserChange = async (manager, user) =>
      deleted(
        user,
        user.isAdmin && !user.deletedAt ? await this.store.otherAdmins(user.customerId, user.id, manager) : 0,
        this.clock.now(),
      );
    const before = await this.check(viewer, id, 'FULL', rule);
    const licences = { customerId: before.customerId, userId: id };
    const { subscriptionIds: released } = accepted(
      (await this.services.call('subscription', ReleaseCustomerUserLicencesDocument, licences, actor)).releaseCustomerUserLicences,
    );
    try {
      return { user: await this.change(actor, viewer, id, 'deleteCustomerUser', 'FULL', rule), released };
    } catch (error) {
      // Refused after all: give the licences back — unless a concurrent delete of the same user
      // won, whose licences these now are to keep aside.
      if (!(await this.isDeleted(id)))
        accepted(
          (await this.services.call('subscription', ReinstateCustomerUserLicencesDocument, licences, actor)).reinstateCustomerUserLicences,
        );
      throw error;
    }
  }

  /**
   * Restoring (within 30 days) gives the user back the licences it held where seats are still
   * free, and names the others. The licences come back first, then the user is restored.
   */
  async restore(actor: Actor, id: string) {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL'] });
    const rule: UserChange = async (_manager, user) => restored(user);
    const before = await this.check(viewer, id, 'FULL', rule);
    const licences = { customerId: before.customerId, userId: id };
    const { subscriptionIds: reinstated, notReinstated } = accepted(
      (await this.services.call('subscription', ReinstateCustomerUserLicencesDocument, licences, actor)).reinstateCustomerUserLicences,
    );
    try {
      return { user: await this.change(actor, viewer, id, 'restoreCustomerUser', 'FULL', rule), reinstated, notReinstated };
    } catch (error) {
      // Refused after all: free them again — unless a concurrent restore of the same user won.
      if (await this.isDeleted(id))
        accepted(
          (await this.services.call('subscription', ReleaseCustomerUserLicencesDocument, licences, actor)).releaseCustomerUserLicences,
        );
      throw error;
    }
  }

  private async isDeleted(id: string): Promise<boolean> {
    const user = await this.store.find(id);
    return user?.deletedAt != null;
  }

  async resetPassword(actor: Actor, id: string): Promise<{ user: CustomerUserRow; temporaryPassword: string }> {
    const viewer = authorize(actor.viewer, { customerAccess: ['FULL', 'LIMITED'] });
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const user = await this.change(actor, viewer, id, 'resetCustomerUserPassword', 'LIMITED', async (_manager, before, customer) => {
      checkPasswordReset(viewer, before, customer.adminAccess);
      return { ...before, passwordHash };
    });
    return { user, temporaryPassword };
  }

  /** Purges users deleted more than 30 days ago; returns how many. */
  async purgeExpired(): Promise<number> {
    return this.db.transaction(async (manager) => {
      const purged = await this.store.purgeDeletedBefore(this.visibleSince(), manager);
      for (const user of purged) {
        await writeAudit(
          manager,
          { viewer: { kind: 'system' }, requestId: 'purge-customer-users', clock: this.clock },
          {
            operation: 'purgeCustomerUser',
            resourceType: 'CustomerUser',
            resourceId: user.id,
            customerId: user.customerId,
            oldValue: { userName: user.userName },
          },
        );
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
  private async change(
    actor: Actor,
    viewer: PartnerViewer,
    id: string,
    operation: string,
    admin: 'FULL' | 'LIMITED',
    change: UserChange,
  ): Promise<CustomerUserRow> {
    return this.db.transaction(async (manager) => {
      const { user, customer } = await this.load(manager, viewer, id, admin, true);
      const after = { ...(await change(manager, user, customer)), updatedAt: this.clock.now() };
      await this.store.save(after, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation,
          resourceType: 'CustomerUser',
          resourceId: id,
          customerId: user.customerId,
          oldValue: auditView(user),
          newValue: auditView(after),
        },
      );
      return after;
    });
  }

  private async load(
    manager: EntityManager,
    viewer: PartnerViewer,
    id: string,
    admin: 'FULL' | 'LIMITED',
    lock: boolean,
  ): Promise<{ user: CustomerUserRow; customer: CustomerAccessView }> {
    if (!isUuid(id)) throw notFound('Customer user', 'id');
    // Another partner's user is never read nor locked, so it answers exactly like an unknown id.
    const user = await this.store.ofPartner(viewer.partnerId, id, lock, manager);
    if (!user || (user.deletedAt && user.deletedAt <= this.visibleSince())) throw notFound('Customer user', 'id');
    const customer = await customerOfViewer(manager, this.clock, viewer, user.customerId, { admin, field: 'id' });
    return { user, customer };
  }
}

type UserChange = (manager: EntityManager, user: CustomerUserRow, customer: CustomerAccessView) => Promise<CustomerUserRow>;

/** The subscription subgraph's answer, or its refusal as this mutation's own. */
function accepted<T extends { errors: PayloadError[] }>(result: T): T {
  if (result.errors.length > 0) throw DomainError.of(result.errors);
  return result;
}
