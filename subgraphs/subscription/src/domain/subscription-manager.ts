import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  addMonths,
  authorize,
  DomainError,
  idempotent,
  isUuid,
  notFound,
  writeAudit,
  recordEvent,
  type EventType,
  type Clock,
  type PartnerViewer,
  type Viewer,
} from '@partner-graph/platform';
import {
  LicenceAssignment,
  ReleasedLicence,
  Subscription,
  SubscriptionHistory,
  type HistoryActorKind,
  type SubscriptionChannel,
  type SubscriptionRow,
} from '../db/index.js';
import { subscriptionEvent } from './events.js';
import type { CustomerAccessInfo, OfferAvailability, RemoteServices } from './remote-services.js';
import {
  ADMINISTER_CUSTOMER,
  isRenewableBy,
  isSoldBy,
  KEY_RENEWABLE_STATUSES,
  mayAssignLicences,
  quantityRangeOf,
  RENEWABLE_STATUSES,
  SELL_SUBSCRIPTIONS,
  termEnd,
  termMonthsOf,
  UNASSIGNABLE_STATUSES,
} from './rules.js';

/** Who acts, and how this request sees customers (batched per request by the caller). */
export interface Actor {
  viewer: Viewer;
  requestId: string;
  customerAccess(customerId: string): Promise<CustomerAccessInfo | null>;
}

export interface ProvisionSubscriptionInput {
  customerId: string;
  partnerId?: string | null;
  offerId: string;
  quantity: number;
  channel: SubscriptionChannel;
  termMonths?: number | null;
  isTrial?: boolean | null;
  assignLicenceToUserId?: string | null;
}

type Changes = Partial<Pick<SubscriptionRow, 'quantity' | 'status' | 'autoRenew'>>;

const HISTORY_FIELDS = ['quantity', 'status', 'autoRenew'] as const;

/** The rules for changing subscriptions and their licences. */
export class SubscriptionManager {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly remote: RemoteServices,
  ) {}

  async addSubscription(
    actor: Actor,
    input: { customerId: string; offerId: string; quantity: number; idempotencyKey?: string | null; dryRun?: boolean | null },
  ): Promise<SubscriptionRow> {
    const viewer = authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const access = isUuid(input.customerId) ? await actor.customerAccess(input.customerId) : null;
    if (!access) throw notFound('Customer', 'customerId');
    if (access.relationship !== 'RESELLER') {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'Only the customer\'s reseller can add subscriptions', 'customerId');
    }
    if (access.provisioningState !== 'ACTIVE') throw new DomainError('CUSTOMER_NOT_ACTIVE', 'The customer account is not active yet', 'customerId');

    const build = async (manager: EntityManager): Promise<SubscriptionRow> => {
      const offer = await this.availableOffer(actor, viewer.partnerId, access.country, input.offerId);
      checkQuantity(offer, input.quantity);
      await this.checkPrerequisite(manager, input.customerId, offer);
      return this.newSubscription({
        customerId: input.customerId,
        partnerId: viewer.partnerId,
        channel: 'RESELLER',
        offer,
        quantity: input.quantity,
        isTrial: offer.isTrial ?? false,
        termMonths: null,
      });
    };
    if (input.dryRun) return build(this.db.manager);

    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'addSubscription', key: input.idempotencyKey, request: { customerId: input.customerId, offerId: input.offerId, quantity: input.quantity }, clock: this.clock },
        async () => {
          const row = await build(manager);
          await this.insertSubscription(manager, actor, row, 'addSubscription');
          return { subscriptionId: row.id };
        },
      ),
    );
    return this.db.getRepository(Subscription).findOneByOrFail({ id: receipt.subscriptionId });
  }

  /** The subscription side of creating a customer account (customer subgraph's provisioning job). */
  async provisionSubscription(actor: Omit<Actor, 'customerAccess'>, input: ProvisionSubscriptionInput, idempotencyKey: string): Promise<{ subscriptionId: string }> {
    if (!isUuid(input.customerId)) throw notFound('Customer', 'customerId');
    if (!input.partnerId || !isUuid(input.partnerId)) {
      // The offer subgraph answers availability for a partner; every flow that provisions has one.
      throw new DomainError('VALIDATION_FAILED', 'A partner on record is needed to check the offer', 'partnerId');
    }
    if (input.termMonths != null && (!Number.isInteger(input.termMonths) || input.termMonths < 1 || input.termMonths > 60)) {
      throw new DomainError('VALIDATION_FAILED', 'termMonths must be between 1 and 60', 'termMonths');
    }
    const partnerId = input.partnerId;
    const as = { viewer: actor.viewer, requestId: actor.requestId };
    return this.db.transaction((manager) =>
      idempotent(manager, { scope: input.customerId, operation: 'provisionSubscription', key: idempotencyKey, request: input, clock: this.clock }, async () => {
        const [access] = await this.remote.customerAccess(as, partnerId, [input.customerId]);
        if (!access) throw notFound('Customer', 'customerId');
        const offer = await this.availableOffer(as, partnerId, access.country, input.offerId);
        checkQuantity(offer, input.quantity);
        await this.checkPrerequisite(manager, input.customerId, offer);
        const row = this.newSubscription({
          customerId: input.customerId,
          partnerId,
          channel: input.channel,
          offer,
          quantity: input.quantity,
          isTrial: input.isTrial ?? offer.isTrial ?? false,
          termMonths: input.termMonths ?? null,
        });
        await this.insertSubscription(manager, actor, row, 'provisionSubscription');
        if (input.assignLicenceToUserId) {
          await this.checkCustomerUser(as, input.customerId, input.assignLicenceToUserId, 'assignLicenceToUserId');
          await manager.insert(LicenceAssignment, { subscriptionId: row.id, customerUserId: input.assignLicenceToUserId, assignedAt: this.clock.now() });
          await this.recordHistory(manager, actor, row, 'assignLicence', [{ field: 'licence', from: null, to: input.assignLicenceToUserId }]);
          await recordEvent(manager, this.clock, subscriptionEvent('licence.assigned', row, { userId: input.assignLicenceToUserId, reason: 'provisionSubscription' }));
        }
        return { subscriptionId: row.id };
      }),
    );
  }

  async changeQuantity(actor: Actor, id: string, quantity: number, expectedVersion: number | null | undefined, dryRun: boolean): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, id);
    // The offer's limits come from the offer subgraph, before any lock is held.
    const offer = await this.availableOffer(actor, viewer.partnerId, access.country, row.offerId);
    checkQuantity(offer, quantity);
    return this.change(actor, id, expectedVersion, 'changeSubscriptionQuantity', dryRun, async (locked, manager) => {
      requireStatus(locked, ['ACTIVE'], 'change the quantity of');
      const assigned = await manager.countBy(LicenceAssignment, { subscriptionId: id });
      if (quantity < assigned) {
        throw new DomainError('BELOW_ASSIGNED_LICENCES', `${assigned} licences are assigned: unassign some before going below`, 'quantity');
      }
      return { quantity };
    });
  }

  async suspend(actor: Actor, id: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    return this.change(actor, id, expectedVersion, 'suspendSubscription', false, async (locked) => {
      requireStatus(locked, ['ACTIVE'], 'suspend');
      return { status: 'SUSPENDED' };
    });
  }

  async activate(actor: Actor, id: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    return this.change(actor, id, expectedVersion, 'activateSubscription', false, async (locked) => {
      requireStatus(locked, ['SUSPENDED'], 'activate');
      return { status: 'ACTIVE' };
    });
  }

  async setAutoRenew(actor: Actor, id: string, enabled: boolean, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    return this.change(actor, id, expectedVersion, 'setSubscriptionAutoRenew', false, async (locked) => {
      requireStatus(locked, ['ACTIVE', 'SUSPENDED'], 'change auto-renew of');
      if (locked.isTrial && enabled) throw new DomainError('VALIDATION_FAILED', 'A trial does not renew', 'enabled');
      return { autoRenew: enabled };
    });
  }

  /** Licences are an admin action in the customer's tenant: any of its subscriptions, whoever sold it (SPEC §3.3). */
  async assignLicence(actor: Actor, subscriptionId: string, userId: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    const { row } = await this.licensable(actor, subscriptionId);
    await this.checkCustomerUser(actor, row.customerId, userId, 'userId');
    return this.change(actor, subscriptionId, expectedVersion, 'assignLicence', false, async (locked, manager) => {
      requireStatus(locked, ['ACTIVE'], 'assign licences of');
      if (await manager.existsBy(LicenceAssignment, { subscriptionId, customerUserId: userId })) return null;
      // Under the subscription's row lock, so concurrent assigns never exceed the quantity.
      const assigned = await manager.countBy(LicenceAssignment, { subscriptionId });
      if (assigned >= locked.quantity) throw new DomainError('NO_AVAILABLE_LICENCES', 'Every licence of this subscription is assigned', 'subscriptionId');
      await manager.insert(LicenceAssignment, { subscriptionId, customerUserId: userId, assignedAt: this.clock.now() });
      return { licence: { from: null, to: userId } };
    });
  }

  async unassignLicence(actor: Actor, subscriptionId: string, userId: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    await this.licensable(actor, subscriptionId);
    if (!isUuid(userId)) throw notFound('Licence assignment', 'userId');
    return this.change(actor, subscriptionId, expectedVersion, 'unassignLicence', false, async (locked, manager) => {
      requireStatus(locked, UNASSIGNABLE_STATUSES, 'unassign licences of');
      const removed = await manager.delete(LicenceAssignment, { subscriptionId, customerUserId: userId });
      if (!removed.affected) throw notFound('Licence assignment', 'userId');
      return { licence: { from: userId, to: null } };
    });
  }

  /**
   * The customer side of deleting a customer user: every licence it holds is freed, and kept
   * aside so that a restore can give it back. Idempotent: a second call finds nothing to free.
   */
  async releaseUserLicences(actor: Omit<Actor, 'customerAccess'>, customerId: string, userId: string): Promise<string[]> {
    // The customer subgraph has checked the viewer's admin rights on the customer.
    authorize(actor.viewer, ADMINISTER_CUSTOMER);
    if (!isUuid(customerId) || !isUuid(userId)) return [];
    const held = await this.db.query(
      `SELECT a.subscription_id FROM licence_assignment a JOIN subscription s ON s.id = a.subscription_id WHERE a.customer_user_id = $1 AND s.customer_id = $2 ORDER BY a.subscription_id`,
      [userId, customerId],
    ) as { subscription_id: string }[];
    const released: string[] = [];
    for (const { subscription_id: subscriptionId } of held) {
      await this.db.transaction(async (manager) => {
        const locked = await this.lock(manager, subscriptionId);
        const assignment = await manager.findOneBy(LicenceAssignment, { subscriptionId, customerUserId: userId });
        if (!assignment) return;
        await manager.delete(LicenceAssignment, { subscriptionId, customerUserId: userId });
        await manager.upsert(ReleasedLicence, { subscriptionId, customerUserId: userId, customerId, assignedAt: assignment.assignedAt, releasedAt: this.clock.now() }, ['customerUserId', 'subscriptionId']);
        await this.bumpForLicence(manager, actor, locked, 'deleteCustomerUser', { from: userId, to: null });
        released.push(subscriptionId);
      });
    }
    return released;
  }

  /**
   * The customer side of restoring a customer user: the licences freed at its deletion (within
   * the 30 days a user can be restored) come back where the subscription is ACTIVE and has a
   * free seat; the others are named with the reason. Either way they are no longer kept aside.
   */
  async reinstateUserLicences(
    actor: Omit<Actor, 'customerAccess'>,
    customerId: string,
    userId: string,
  ): Promise<{ reinstated: string[]; notReinstated: { subscriptionId: string; code: 'NO_AVAILABLE_LICENCES' | 'INVALID_STATUS_TRANSITION'; message: string }[] }> {
    authorize(actor.viewer, ADMINISTER_CUSTOMER);
    const result: Awaited<ReturnType<SubscriptionManager['reinstateUserLicences']>> = { reinstated: [], notReinstated: [] };
    if (!isUuid(customerId) || !isUuid(userId)) return result;
    const kept = await this.db.getRepository(ReleasedLicence).find({ where: { customerUserId: userId, customerId }, order: { releasedAt: 'ASC', subscriptionId: 'ASC' } });
    for (const release of kept) {
      await this.db.transaction(async (manager) => {
        const locked = await this.lock(manager, release.subscriptionId);
        const deleted = await manager.delete(ReleasedLicence, { subscriptionId: release.subscriptionId, customerUserId: userId });
        if (!deleted.affected) return; // a concurrent restore took it
        if (locked.status !== 'ACTIVE') {
          result.notReinstated.push({ subscriptionId: locked.id, code: 'INVALID_STATUS_TRANSITION', message: `${locked.friendlyName} is ${locked.status}: its licence was not given back` });
          return;
        }
        const assigned = await manager.countBy(LicenceAssignment, { subscriptionId: locked.id });
        if (assigned >= locked.quantity) {
          result.notReinstated.push({ subscriptionId: locked.id, code: 'NO_AVAILABLE_LICENCES', message: `Every licence of ${locked.friendlyName} is assigned: its licence was not given back` });
          return;
        }
        await manager.insert(LicenceAssignment, { subscriptionId: locked.id, customerUserId: userId, assignedAt: this.clock.now() });
        await this.bumpForLicence(manager, actor, locked, 'restoreCustomerUser', { from: null, to: userId });
        result.reinstated.push(locked.id);
      });
    }
    return result;
  }

  /** A licence moved by another flow (a user deleted or restored): new version, history and audit, like assignLicence. */
  private async bumpForLicence(manager: EntityManager, actor: Omit<Actor, 'customerAccess'>, locked: SubscriptionRow, operation: string, licence: { from: string | null; to: string | null }): Promise<void> {
    const after: SubscriptionRow = { ...locked, version: locked.version + 1, updatedAt: this.clock.now() };
    await manager.update(Subscription, { id: locked.id }, { version: after.version, updatedAt: after.updatedAt });
    await this.recordHistory(manager, actor, after, operation, [{ field: 'licence', ...licence }]);
    await writeAudit(manager, { ...actor, clock: this.clock }, {
      operation,
      resourceType: 'CustomerSubscription',
      resourceId: locked.id,
      customerId: locked.customerId,
      oldValue: { licence: licence.from },
      newValue: { licence: licence.to, version: after.version },
    });
    await recordEvent(manager, this.clock, subscriptionEvent(licence.to ? 'licence.assigned' : 'licence.unassigned', after, { userId: licence.to ?? licence.from, reason: operation }));
  }

  /** The ids of a customer's subscriptions, oldest first. */
  async subscriptionIdsForCustomer(customerId: string): Promise<string[]> {
    if (!isUuid(customerId)) return [];
    const rows = await this.db.getRepository(Subscription).find({ select: { id: true }, where: { customerId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((row) => row.id);
  }

  /**
   * Renewal with a product key: the end date moves by `months` — from the end date, or from now
   * when that is already past — and an EXPIRED or DISABLED subscription is ACTIVE again.
   */
  async extendTerm(actor: Actor, subscriptionId: string, months: number, idempotencyKey: string): Promise<SubscriptionRow> {
    const viewer = authorize(actor.viewer);
    if (!Number.isInteger(months) || months < 1 || months > 60) throw new DomainError('VALIDATION_FAILED', 'months must be between 1 and 60', 'months');
    const { row } = await this.visible(actor, subscriptionId);
    if (!isRenewableBy(viewer, row)) {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'Only a subscription your organisation sold (as reseller or with product keys) can be renewed with a key', 'subscriptionId');
    }
    const receipt = await this.db.transaction((manager) =>
      idempotent(manager, { scope: viewer.partnerId, operation: 'extendSubscriptionTerm', key: idempotencyKey, request: { subscriptionId, months }, clock: this.clock }, async () => {
        const locked = await this.lock(manager, subscriptionId);
        requireStatus(locked, KEY_RENEWABLE_STATUSES, 'renew');
        const now = this.clock.now();
        const from = locked.endDate.getTime() > now.getTime() ? locked.endDate : now;
        const status = locked.status === 'EXPIRED' || locked.status === 'DISABLED' ? 'ACTIVE' : locked.status;
        const after: SubscriptionRow = { ...locked, status, endDate: addMonths(from, months), version: locked.version + 1, updatedAt: now };
        await manager.update(Subscription, { id: subscriptionId }, { status: after.status, endDate: after.endDate, version: after.version, updatedAt: now });
        await this.recordHistory(manager, actor, after, 'renewSubscriptionWithProductKey', [
          { field: 'endDate', from: locked.endDate.toISOString(), to: after.endDate.toISOString() },
          ...(status !== locked.status ? [{ field: 'status', from: locked.status, to: status }] : []),
        ]);
        await writeAudit(manager, { ...actor, clock: this.clock }, {
          operation: 'extendSubscriptionTerm',
          resourceType: 'CustomerSubscription',
          resourceId: subscriptionId,
          customerId: locked.customerId,
          oldValue: { status: locked.status, endDate: locked.endDate },
          newValue: { status: after.status, endDate: after.endDate, version: after.version },
        });
        // A product key's extra term is a renewal (SPEC §4.5); the licensing-key subgraph reports the redemption itself.
        await recordEvent(manager, this.clock, subscriptionEvent('subscription.renewed', after, {
          reason: 'extendSubscriptionTerm',
          changes: [{ field: 'endDate', from: locked.endDate.toISOString(), to: after.endDate.toISOString() }, ...(status !== locked.status ? [{ field: 'status', from: locked.status, to: status }] : [])],
        }));
        return { subscriptionId };
      }),
    );
    return this.db.getRepository(Subscription).findOneByOrFail({ id: receipt.subscriptionId });
  }

  /** A new directly billed subscription starts at once; it takes over the licences and the old one ends. */
  async renewWithDirectBilling(actor: Actor, id: string, expectedVersion: number | null | undefined): Promise<{ subscription: SubscriptionRow; previous: SubscriptionRow }> {
    const viewer = authorize(actor.viewer, ADMINISTER_CUSTOMER);
    const { row } = await this.visible(actor, id);
    if (!isRenewableBy(viewer, row)) throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'Only the partner on record can renew this subscription', 'id');
    return this.db.transaction(async (manager) => {
      const locked = await this.lock(manager, id);
      checkVersion(locked, expectedVersion);
      requireStatus(locked, RENEWABLE_STATUSES, 'renew');
      if (locked.status === 'ACTIVE' && locked.autoRenew) {
        throw new DomainError('INVALID_STATUS_TRANSITION', 'This subscription renews automatically', 'id');
      }
      const now = this.clock.now();
      const termMonths = locked.isTrial ? 12 : locked.termMonths;
      const renewed: SubscriptionRow = {
        ...locked,
        id: randomUUID(),
        channel: 'DIRECT',
        status: 'ACTIVE',
        isTrial: false,
        termMonths,
        startDate: now,
        endDate: termEnd(now, termMonths, false),
        autoRenew: true,
        version: 1,
        renewedFromId: locked.id,
        createdAt: now,
        updatedAt: now,
      };
      await this.insertSubscription(manager, actor, renewed, 'renewSubscriptionWithDirectBilling');
      await manager.query(`UPDATE licence_assignment SET subscription_id = $1 WHERE subscription_id = $2`, [renewed.id, locked.id]);
      // REPLACED, not DELETED: a dashboard tells a renewal from a deprovisioning (day 120).
      const previous: SubscriptionRow = { ...locked, status: 'REPLACED', version: locked.version + 1, updatedAt: now };
      await manager.update(Subscription, { id: locked.id }, { status: previous.status, version: previous.version, updatedAt: now });
      await this.recordHistory(manager, actor, previous, 'renewSubscriptionWithDirectBilling', [
        { field: 'status', from: locked.status, to: 'REPLACED' },
        { field: 'renewedAs', from: null, to: renewed.id },
      ]);
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        operation: 'renewSubscriptionWithDirectBilling',
        resourceType: 'CustomerSubscription',
        resourceId: locked.id,
        customerId: locked.customerId,
        oldValue: { status: locked.status },
        newValue: { status: 'REPLACED', renewedAs: renewed.id },
      });
      return { subscription: renewed, previous };
    });
  }

  /** The subscription if the viewer's partner may see it (related customer), else NOT_FOUND. */
  private async visible(actor: Actor, id: string): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo }> {
    const row = isUuid(id) ? await this.db.getRepository(Subscription).findOneBy({ id }) : null;
    const access = row ? await actor.customerAccess(row.customerId) : null;
    if (!row || !access) throw notFound('Subscription', 'id');
    return { row, access };
  }

  /** Visible and sold by the viewer's partner as reseller; anything else is view-only. */
  private async manageable(actor: Actor, id: string): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo; viewer: PartnerViewer }> {
    const viewer = authorize(actor.viewer);
    const found = await this.visible(actor, id);
    if (!isSoldBy(viewer, found.row)) {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'This subscription was not sold by your organisation: it is view-only', 'id');
    }
    return { ...found, viewer };
  }

  /** Visible, and the viewer administers the customer with FULL effective access (licences). */
  private async licensable(actor: Actor, id: string): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo }> {
    const viewer = authorize(actor.viewer, ADMINISTER_CUSTOMER);
    const found = await this.visible(actor, id);
    if (!mayAssignLicences(viewer, found.access)) {
      const why = found.access.hasAdminRights
        ? "Your organisation's delegated administration of this customer is LIMITED: licences need FULL"
        : 'Your organisation has no admin rights on this customer (reseller or active delegated administration needed)';
      throw new DomainError('NO_ADMIN_RIGHTS', why, 'subscriptionId');
    }
    return found;
  }

  /**
   * Applies one change under the subscription's row lock: the version check, the rule in
   * `decide`, the version bump, the history and the audit record, all in one transaction.
   * `decide` returns the new field values (or extra history), or null when nothing changes.
   */
  private async change(
    actor: Actor,
    id: string,
    expectedVersion: number | null | undefined,
    operation: string,
    dryRun: boolean,
    decide: (locked: SubscriptionRow, manager: EntityManager) => Promise<Changes | { licence: { from: string | null; to: string | null } } | null>,
  ): Promise<SubscriptionRow> {
    return this.db.transaction(async (manager) => {
      const locked = await this.lock(manager, id);
      checkVersion(locked, expectedVersion);
      const decided = await decide(locked, manager);
      if (decided === null) return locked;
      const entries: { field: string; from: string | null; to: string | null }[] = [];
      let after: SubscriptionRow = locked;
      if ('licence' in decided) {
        entries.push({ field: 'licence', ...decided.licence });
      } else {
        after = { ...locked, ...decided };
        for (const field of HISTORY_FIELDS) {
          if (after[field] !== locked[field]) entries.push({ field, from: String(locked[field]), to: String(after[field]) });
        }
      }
      if (dryRun) return after;
      if (entries.length === 0) return locked;
      after = { ...after, version: locked.version + 1, updatedAt: this.clock.now() };
      await manager.update(Subscription, { id }, { quantity: after.quantity, status: after.status, autoRenew: after.autoRenew, version: after.version, updatedAt: after.updatedAt });
      await this.recordHistory(manager, actor, after, operation, entries);
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        operation,
        resourceType: 'CustomerSubscription',
        resourceId: id,
        customerId: locked.customerId,
        oldValue: Object.fromEntries(entries.map((entry) => [entry.field, entry.from])),
        newValue: { ...Object.fromEntries(entries.map((entry) => [entry.field, entry.to])), version: after.version },
      });
      const type = CHANGE_EVENTS[operation];
      if (type) {
        await recordEvent(manager, this.clock, subscriptionEvent(type, after, {
          changes: entries.map(({ field, from, to }) => ({ field, from, to })),
        }));
      }
      return after;
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<SubscriptionRow> {
    const row = await manager.findOne(Subscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw notFound('Subscription', 'id');
    return row;
  }

  private async availableOffer(as: { viewer: Viewer; requestId: string }, partnerId: string, country: string, offerId: string): Promise<OfferAvailability> {
    const offer = isUuid(offerId) ? await this.remote.offerAvailability({ viewer: as.viewer, requestId: as.requestId }, partnerId, country, offerId) : null;
    if (!offer?.available) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is not available to you for this customer\'s country', 'offerId');
    return offer;
  }

  /** An add-on needs an active subscription of one of its prerequisite offers. */
  private async checkPrerequisite(manager: EntityManager, customerId: string, offer: OfferAvailability): Promise<void> {
    if (!offer.isAddOn || offer.prerequisiteOfferIds.length === 0) return;
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM subscription WHERE customer_id = $1 AND offer_id = ANY($2::uuid[]) AND status = 'ACTIVE' LIMIT 1`,
      [customerId, offer.prerequisiteOfferIds.filter(isUuid)],
    );
    if (rows.length === 0) throw new DomainError('PREREQUISITE_MISSING', 'This add-on needs an active subscription of its prerequisite offer', 'offerId');
  }

  private async checkCustomerUser(as: { viewer: Viewer; requestId: string }, customerId: string, userId: string, field: string): Promise<void> {
    const users = isUuid(userId) ? await this.remote.customerUsersById({ viewer: as.viewer, requestId: as.requestId }, customerId, [userId]) : [];
    const user = users.find((candidate) => candidate.id === userId);
    if (!user || user.customerId !== customerId || user.deleted) throw notFound('Customer user', field);
  }

  private newSubscription(spec: {
    customerId: string;
    partnerId: string | null;
    channel: SubscriptionChannel;
    offer: OfferAvailability;
    quantity: number;
    isTrial: boolean;
    termMonths: number | null;
  }): SubscriptionRow {
    const now = this.clock.now();
    const termMonths = spec.termMonths ?? (spec.isTrial ? 1 : termMonthsOf(spec.offer.term));
    return {
      id: randomUUID(),
      customerId: spec.customerId,
      offerId: spec.offer.offerId,
      partnerId: spec.partnerId,
      channel: spec.channel,
      friendlyName: spec.offer.name ?? 'Subscription',
      quantity: spec.quantity,
      status: 'ACTIVE',
      isTrial: spec.isTrial,
      termMonths,
      billingCycle: spec.offer.billingCycle,
      startDate: now,
      endDate: termEnd(now, termMonths, spec.isTrial && spec.termMonths === null),
      // Trials end; keys renew with keys; everything else renews unless the partner turns it off.
      autoRenew: !spec.isTrial && spec.channel !== 'PRODUCT_KEY',
      version: 1,
      renewedFromId: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private async insertSubscription(manager: EntityManager, actor: { viewer: Viewer; requestId: string }, row: SubscriptionRow, operation: string): Promise<void> {
    await manager.insert(Subscription, row);
    await this.recordHistory(manager, actor, row, operation, [
      { field: 'status', from: null, to: row.status },
      { field: 'quantity', from: null, to: String(row.quantity) },
    ]);
    await writeAudit(manager, { ...actor, clock: this.clock }, {
      operation,
      resourceType: 'CustomerSubscription',
      resourceId: row.id,
      customerId: row.customerId,
      newValue: { offerId: row.offerId, quantity: row.quantity, channel: row.channel, status: row.status, endDate: row.endDate, autoRenew: row.autoRenew },
    });
    await recordEvent(manager, this.clock, subscriptionEvent('subscription.added', row, { offerId: row.offerId, channel: row.channel, isTrial: row.isTrial, endDate: row.endDate, autoRenew: row.autoRenew, renewedFromId: row.renewedFromId, reason: operation }));
  }

  async recordHistory(
    manager: EntityManager,
    actor: { viewer: Viewer; requestId: string },
    row: SubscriptionRow,
    action: string,
    entries: { field: string; from: string | null; to: string | null }[],
  ): Promise<void> {
    const viewer = actor.viewer;
    // The lifecycle job records its own (SYSTEM) history; here a non-user is a calling service.
    const actorKind: HistoryActorKind = viewer.kind === 'partner-user' ? 'PARTNER_USER' : 'SERVICE';
    const occurredAt = this.clock.now();
    await manager.insert(
      SubscriptionHistory,
      entries.map((entry) => ({
        subscriptionId: row.id,
        customerId: row.customerId,
        occurredAt,
        actorKind,
        partnerId: viewer.kind === 'partner-user' ? viewer.partnerId : null,
        userId: viewer.kind === 'partner-user' ? viewer.userId : null,
        action,
        field: entry.field,
        oldValue: entry.from,
        newValue: entry.to,
        requestId: actor.requestId,
      })),
    );
  }
}

function checkQuantity(offer: OfferAvailability, quantity: number): void {
  const { min, max } = quantityRangeOf(offer);
  if (!Number.isInteger(quantity) || quantity < min || quantity > max) {
    throw new DomainError('QUANTITY_OUT_OF_RANGE', `The quantity must be between ${min} and ${max}`, 'quantity');
  }
}

function checkVersion(locked: SubscriptionRow, expectedVersion: number | null | undefined): void {
  if (expectedVersion != null && expectedVersion !== locked.version) {
    throw new DomainError('VERSION_CONFLICT', `The subscription changed (version ${locked.version}); reload and try again`, 'expectedVersion');
  }
}

function requireStatus(row: SubscriptionRow, allowed: readonly string[], what: string): void {
  if (!allowed.includes(row.status)) {
    throw new DomainError('INVALID_STATUS_TRANSITION', `Cannot ${what} a ${row.status} subscription`, 'id');
  }
}

/** The events the subscription changes made through `change` report (SPEC: event notifications). */
const CHANGE_EVENTS: Record<string, EventType> = {
  changeSubscriptionQuantity: 'subscription.quantity_changed',
  suspendSubscription: 'subscription.suspended',
  activateSubscription: 'subscription.activated',
  assignLicence: 'licence.assigned',
  unassignLicence: 'licence.unassigned',
};
