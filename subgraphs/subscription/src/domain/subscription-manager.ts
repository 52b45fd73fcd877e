import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  CustomerAccessDocument,
  CustomerUsersByIdDocument,
  DomainError,
  idempotent,
  isUuid,
  notFound,
  OfferAvailabilityDocument,
  recordedResult,
  writeAudit,
  recordEvent,
  type EventType,
  type Clock,
  type CustomerAccessInfo,
  type OfferAvailability,
  type PartnerViewer,
  type ServiceClient,
  type Actor,
  unavailableOffer,
} from '@partner-graph/platform';
import {
  type SubscriptionStore,
  type HistoryActorKind,
  type ScheduledChange,
  type SubscriptionChannel,
  type SubscriptionRow,
} from '../db/index.js';
import { cancel, clearScheduled, convertTrial, scheduleChange, upgrade, type ChangeRequest } from './change-rules.js';
import { subscriptionEvent } from './events.js';
import {
  ADMINISTER_CUSTOMER,
  changedFields,
  checkAutoRenew,
  checkFreeSeat,
  checkNotBelowAssigned,
  checkQuantity,
  checkTermMonths,
  checkVersion,
  describeScheduledChange,
  isRenewableBy,
  isSoldBy,
  mayAssignLicences,
  newSubscription,
  quantityRangeOf,
  reinstatementRefusal,
  renewWithDirectBilling,
  renewWithKey,
  requireStatus,
  SELL_SUBSCRIPTIONS,
  UNASSIGNABLE_STATUSES,
  type HistoryEntry,
} from './rules.js';

/**
 * Who acts, and how this request sees customers (batched per request by the caller). More than
 * the platform's `Actor`: deciding what a partner may do to a customer's subscriptions needs the
 * customer's access, which a request's loaders batch; calls to other services and background
 * work (redemptions, renewals) act with the plain `Actor`.
 */
export interface SubscriptionActor extends Actor {
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

type Changes = Partial<Pick<SubscriptionRow, 'quantity' | 'status' | 'autoRenew' | 'scheduledChange'>>;

/** A mid-term change, and the part of the scheduled change it cleared (null: none). */
export interface ChangedSubscription {
  subscription: SubscriptionRow;
  clearedScheduledChange: ScheduledChange | null;
}

/** What every one of the weekly actions takes besides its own arguments. */
export interface WeeklyOptions {
  expectedVersion?: number | null;
  idempotencyKey?: string | null;
  dryRun?: boolean | null;
}

/**
 * Changing subscriptions and their licences: asks the other subgraphs first, then decides with
 * the rules and writes through the store in one transaction — never a remote call inside it.
 */
export class SubscriptionManager {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    /** The customer and offer subgraphs, called with the caller's signed context. */
    private readonly services: ServiceClient,
    private readonly store: SubscriptionStore,
  ) {}

  async addSubscription(
    actor: SubscriptionActor,
    input: { customerId: string; offerId: string; quantity: number; idempotencyKey?: string | null; dryRun?: boolean | null },
  ): Promise<SubscriptionRow> {
    const viewer = authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const access = isUuid(input.customerId) ? await actor.customerAccess(input.customerId) : null;
    if (!access) throw notFound('Customer', 'customerId');
    if (access.relationship !== 'RESELLER') {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', "Only the customer's reseller can add subscriptions", 'customerId');
    }
    if (access.provisioningState !== 'ACTIVE')
      throw new DomainError('CUSTOMER_NOT_ACTIVE', 'The customer account is not active yet', 'customerId');

    const ids = {
      scope: viewer.partnerId,
      operation: 'addSubscription',
      key: input.idempotencyKey,
      request: { customerId: input.customerId, offerId: input.offerId, quantity: input.quantity },
      clock: this.clock,
    };
    const replayed = input.dryRun ? null : await recordedResult<{ subscriptionId: string }>(this.db.manager, ids);
    if (replayed) return this.store.get(replayed.result.subscriptionId);

    const offer = await this.availableOffer(actor, viewer.partnerId, access.country, input.offerId);
    checkQuantity(quantityRangeOf(offer), input.quantity);
    const build = async (manager: EntityManager): Promise<SubscriptionRow> => {
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
      idempotent(manager, ids, async () => {
        const row = await build(manager);
        await this.insertSubscription(manager, actor, row, 'addSubscription');
        return { subscriptionId: row.id };
      }),
    );
    return this.store.get(receipt.subscriptionId);
  }

  /** The subscription side of creating a customer account (customer subgraph's provisioning job). */
  async provisionSubscription(
    actor: Actor,
    input: ProvisionSubscriptionInput,
    idempotencyKey: string,
  ): Promise<{ subscriptionId: string }> {
    if (!isUuid(input.customerId)) throw notFound('Customer', 'customerId');
    if (!input.partnerId || !isUuid(input.partnerId)) {
      // The offer subgraph answers availability for a partner; every flow that provisions has one.
      throw new DomainError('VALIDATION_FAILED', 'A partner on record is needed to check the offer', 'partnerId');
    }
    if (input.termMonths != null) checkTermMonths(input.termMonths, 'termMonths');
    const partnerId = input.partnerId;
    const as: Actor = { viewer: actor.viewer, requestId: actor.requestId };
    const ids = { scope: input.customerId, operation: 'provisionSubscription', key: idempotencyKey, request: input, clock: this.clock };
    const replayed = await recordedResult<{ subscriptionId: string }>(this.db.manager, ids);
    if (replayed) return replayed.result;

    // Read, call, then write: the customer and offer subgraphs answer before the transaction opens.
    const [access] = (await this.services.call('customer', CustomerAccessDocument, { partnerId, customerIds: [input.customerId] }, as))
      .customerAccess;
    if (!access) throw notFound('Customer', 'customerId');
    const offer = await this.availableOffer(as, partnerId, access.country, input.offerId);
    checkQuantity(quantityRangeOf(offer), input.quantity);
    const licensee = input.assignLicenceToUserId;
    if (licensee) await this.checkCustomerUser(as, input.customerId, licensee, 'assignLicenceToUserId');
    return this.db.transaction((manager) =>
      idempotent(manager, ids, async () => {
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
        if (licensee) {
          await this.store.assignLicence(row.id, licensee, this.clock.now(), manager);
          await this.recordHistory(manager, actor, row, 'assignLicence', [{ field: 'licence', from: null, to: licensee }]);
          await recordEvent(
            manager,
            this.clock,
            subscriptionEvent('licence.assigned', row, { userId: licensee, reason: 'provisionSubscription' }),
          );
        }
        return { subscriptionId: row.id };
      }),
    );
  }

  /** A new quantity now; a quantity scheduled for the renewal is cleared (the answer says so). */
  async changeQuantity(
    actor: SubscriptionActor,
    id: string,
    quantity: number,
    expectedVersion: number | null | undefined,
    dryRun: boolean,
  ): Promise<ChangedSubscription> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, id);
    // The offer's limits come from the offer subgraph, before any lock is held.
    const offer = await this.availableOffer(actor, viewer.partnerId, access.country, row.offerId);
    checkQuantity(quantityRangeOf(offer), quantity);
    let clearedScheduledChange: ScheduledChange | null = null;
    const subscription = await this.change(actor, id, expectedVersion, 'changeSubscriptionQuantity', dryRun, async (locked, manager) => {
      requireStatus(locked, ['ACTIVE'], 'change the quantity of');
      checkNotBelowAssigned(quantity, await this.store.assignedLicences(id, manager));
      const { remaining, cleared } = clearScheduled(locked.scheduledChange, ['quantity']);
      clearedScheduledChange = cleared;
      return cleared ? { quantity, scheduledChange: remaining } : { quantity };
    });
    return { subscription, clearedScheduledChange };
  }

  async suspend(actor: SubscriptionActor, id: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    return this.change(actor, id, expectedVersion, 'suspendSubscription', false, async (locked) => {
      requireStatus(locked, ['ACTIVE'], 'suspend');
      return { status: 'SUSPENDED' };
    });
  }

  async activate(actor: SubscriptionActor, id: string, expectedVersion: number | null | undefined): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    return this.change(actor, id, expectedVersion, 'activateSubscription', false, async (locked) => {
      requireStatus(locked, ['SUSPENDED'], 'activate');
      return { status: 'ACTIVE' };
    });
  }

  /** Turning auto-renew off clears the scheduled change, which only a renewal applies (the answer says so). */
  async setAutoRenew(
    actor: SubscriptionActor,
    id: string,
    enabled: boolean,
    expectedVersion: number | null | undefined,
  ): Promise<ChangedSubscription> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    await this.manageable(actor, id);
    let clearedScheduledChange: ScheduledChange | null = null;
    const subscription = await this.change(actor, id, expectedVersion, 'setSubscriptionAutoRenew', false, async (locked) => {
      checkAutoRenew(locked, enabled);
      if (enabled || !locked.scheduledChange) return { autoRenew: enabled };
      clearedScheduledChange = locked.scheduledChange;
      return { autoRenew: enabled, scheduledChange: null };
    });
    return { subscription, clearedScheduledChange };
  }

  /**
   * Upgrade to one of the offer's upgrade targets (`upgrade`): a new subscription with the seats and
   * every assigned licence, the old one REPLACED. One call to the offer subgraph answers the current
   * offer, the target and the offers of the customer's other active subscriptions (add-ons).
   */
  async upgrade(
    actor: SubscriptionActor,
    input: { id: string; targetOfferId: string; quantity?: number | null } & WeeklyOptions,
  ): Promise<{ subscription: SubscriptionRow; previous: SubscriptionRow; clearedScheduledChange: ScheduledChange | null }> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, input.id);
    const ids = this.idempotency(viewer, 'upgradeSubscription', input, { targetOfferId: input.targetOfferId, quantity: input.quantity });
    const replayed = input.dryRun
      ? null
      : await recordedResult<{ subscriptionId: string; previousId: string; cleared: ScheduledChange | null }>(this.db.manager, ids);
    if (replayed) {
      const { subscriptionId, previousId, cleared } = replayed.result;
      return {
        subscription: await this.store.get(subscriptionId),
        previous: await this.store.get(previousId),
        clearedScheduledChange: cleared,
      };
    }
    const others = (await this.store.activeOfCustomer(row.customerId)).filter((other) => other.id !== row.id);
    const offers = await this.offersIn(actor, viewer.partnerId, access.country, [
      row.offerId,
      input.targetOfferId,
      ...others.map((other) => other.offerId),
    ]);
    const addOns = others.flatMap((other) => {
      const offer = offers.get(other.offerId);
      return offer?.isAddOn ? [{ friendlyName: other.friendlyName, prerequisiteOfferIds: offer.prerequisiteOfferIds }] : [];
    });
    const decide = async (manager: EntityManager) => {
      const locked = await this.lock(manager, input.id);
      checkVersion(locked, input.expectedVersion);
      const decided = upgrade(
        locked,
        {
          current: offers.get(row.offerId)!,
          target: offers.get(input.targetOfferId)!,
          quantity: input.quantity ?? locked.quantity,
          assignedLicences: await this.store.assignedLicences(locked.id, manager),
          addOns,
          otherActiveOfferIds: others.map((other) => other.offerId),
          newId: randomUUID(),
        },
        this.clock.now(),
      );
      return { locked, ...decided };
    };
    if (input.dryRun) {
      const { upgraded, previous, locked } = await this.db.transaction(decide);
      return { subscription: upgraded, previous, clearedScheduledChange: locked.scheduledChange ?? null };
    }
    const receipt = await this.db.transaction((manager) =>
      idempotent(manager, ids, async () => {
        const { locked, upgraded, previous, addOnsFollowing } = await decide(manager);
        const licencesMoved = await this.store.assignedLicences(locked.id, manager);
        await this.insertSubscription(manager, actor, upgraded, 'upgradeSubscription', false);
        await this.recordHistory(manager, actor, upgraded, 'upgradeSubscription', [{ field: 'upgradedFrom', from: null, to: locked.id }]);
        await this.store.moveLicences(locked.id, upgraded.id, manager);
        await this.store.update(
          locked.id,
          { status: previous.status, scheduledChange: null, version: previous.version, updatedAt: previous.updatedAt },
          manager,
        );
        await this.recordHistory(manager, actor, previous, 'upgradeSubscription', [
          { field: 'status', from: locked.status, to: previous.status },
          { field: 'upgradedTo', from: null, to: upgraded.id },
          ...(locked.scheduledChange
            ? [{ field: 'scheduledChange', from: describeScheduledChange(locked.scheduledChange), to: null }]
            : []),
        ]);
        const upgradeFacts = {
          fromOfferId: locked.offerId,
          toOfferId: upgraded.offerId,
          quantity: upgraded.quantity,
          licencesMoved,
          addOnsFollowing,
        };
        await writeAudit(
          manager,
          { ...actor, clock: this.clock },
          {
            operation: 'upgradeSubscription',
            resourceType: 'CustomerSubscription',
            resourceId: locked.id,
            customerId: locked.customerId,
            oldValue: { status: locked.status, offerId: locked.offerId, quantity: locked.quantity },
            newValue: { status: previous.status, upgradedTo: upgraded.id, ...upgradeFacts },
          },
        );
        await recordEvent(
          manager,
          this.clock,
          subscriptionEvent('subscription.upgraded', upgraded, { previousSubscriptionId: locked.id, ...upgradeFacts }),
        );
        return { subscriptionId: upgraded.id, previousId: locked.id, cleared: locked.scheduledChange ?? null };
      }),
    );
    return {
      subscription: await this.store.get(receipt.subscriptionId),
      previous: await this.store.get(receipt.previousId),
      clearedScheduledChange: receipt.cleared,
    };
  }

  /** Trial conversion (`convertTrial`): the same subscription, paid, from today; `quantity` defaults to the trial's seats. */
  async convertTrial(actor: SubscriptionActor, input: { id: string; quantity?: number | null } & WeeklyOptions): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, input.id);
    const trialOffer = (await this.offersIn(actor, viewer.partnerId, access.country, [row.offerId])).get(row.offerId)!;
    const paidId = trialOffer.available ? trialOffer.convertsToId : null;
    const paid = paidId ? (await this.offersIn(actor, viewer.partnerId, access.country, [paidId])).get(paidId)! : null;
    return this.rewrite(
      actor,
      viewer,
      input,
      'convertTrialSubscription',
      { quantity: input.quantity },
      'subscription.trial_converted',
      async (locked, manager) => {
        const { after, changes } = convertTrial(
          locked,
          paid,
          input.quantity ?? locked.quantity,
          await this.store.assignedLicences(locked.id, manager),
          this.clock.now(),
        );
        return { after, changes, extra: { fromOfferId: locked.offerId, toOfferId: after.offerId } };
      },
    );
  }

  /** Cancellation within the window (`cancel`): CANCELLED at once, licences freed, the refund recorded. */
  async cancel(actor: SubscriptionActor, input: { id: string } & WeeklyOptions): Promise<ChangedSubscription> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, input.id);
    const price = (await this.offersIn(actor, viewer.partnerId, access.country, [row.offerId])).get(row.offerId)!;
    let clearedScheduledChange: ScheduledChange | null = null;
    const subscription = await this.rewrite(
      actor,
      viewer,
      input,
      'cancelSubscription',
      {},
      'subscription.cancelled',
      async (locked, manager) => {
        const after = cancel(locked, price, this.clock.now());
        clearedScheduledChange = locked.scheduledChange ?? null;
        const licencesFreed = await this.store.assignedLicences(locked.id, manager);
        return {
          after,
          changes: [
            { field: 'status', from: locked.status, to: after.status },
            { field: 'refundAmount', from: null, to: `${after.refundAmount} ${after.refundCurrency}` },
            ...(licencesFreed > 0 ? [{ field: 'licences', from: String(licencesFreed), to: '0' }] : []),
            ...(clearedScheduledChange
              ? [{ field: 'scheduledChange', from: describeScheduledChange(clearedScheduledChange), to: null }]
              : []),
          ],
          extra: { cancelledAt: after.cancelledAt, refundAmount: after.refundAmount, refundCurrency: after.refundCurrency, licencesFreed },
          write: (writer) => this.store.unassignAll(locked.id, writer),
        };
      },
    );
    return { subscription, clearedScheduledChange };
  }

  /** A change for the renewal (`scheduleChange`), replacing any scheduled before. */
  async scheduleChange(actor: SubscriptionActor, input: { id: string } & ChangeRequest & WeeklyOptions): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { row, access, viewer } = await this.manageable(actor, input.id);
    const offerIds = input.offerId != null && input.offerId !== row.offerId ? [row.offerId, input.offerId] : [row.offerId];
    const offers = await this.offersIn(actor, viewer.partnerId, access.country, offerIds);
    const request: ChangeRequest = {
      quantity: input.quantity,
      offerId: input.offerId,
      termMonths: input.termMonths,
      billingCycle: input.billingCycle,
    };
    return this.rewrite(
      actor,
      viewer,
      input,
      'scheduleSubscriptionChange',
      request,
      'subscription.change_scheduled',
      async (locked, manager) => {
        const current = offers.get(locked.offerId) ?? unavailableOffer(locked.offerId);
        const target = input.offerId != null ? (offers.get(input.offerId) ?? null) : null;
        const scheduled = scheduleChange(
          locked,
          request,
          { current, target },
          await this.store.assignedLicences(locked.id, manager),
          this.clock.now(),
        );
        const after: SubscriptionRow = { ...locked, scheduledChange: scheduled, version: locked.version + 1, updatedAt: this.clock.now() };
        return {
          after,
          changes: [
            { field: 'scheduledChange', from: describeScheduledChange(locked.scheduledChange), to: describeScheduledChange(scheduled) },
          ],
          extra: { scheduledChange: scheduled, effectiveDate: locked.endDate },
        };
      },
    );
  }

  async removeScheduledChange(actor: SubscriptionActor, input: { id: string } & WeeklyOptions): Promise<SubscriptionRow> {
    authorize(actor.viewer, SELL_SUBSCRIPTIONS);
    const { viewer } = await this.manageable(actor, input.id);
    return this.rewrite(
      actor,
      viewer,
      input,
      'removeScheduledSubscriptionChange',
      {},
      'subscription.scheduled_change_removed',
      async (locked) => {
        if (!locked.scheduledChange)
          throw new DomainError('NO_SCHEDULED_CHANGE', 'Nothing is scheduled for the renewal of this subscription', 'id');
        const after: SubscriptionRow = { ...locked, scheduledChange: null, version: locked.version + 1, updatedAt: this.clock.now() };
        return {
          after,
          changes: [{ field: 'scheduledChange', from: describeScheduledChange(locked.scheduledChange), to: null }],
          extra: { removed: locked.scheduledChange },
        };
      },
    );
  }

  /** Licences are an admin action in the customer's tenant: any of its subscriptions, whoever sold it (docs/api.md, "Who may do what"). */
  async assignLicence(
    actor: SubscriptionActor,
    subscriptionId: string,
    userId: string,
    expectedVersion: number | null | undefined,
  ): Promise<SubscriptionRow> {
    const { row } = await this.licensable(actor, subscriptionId);
    await this.checkCustomerUser(actor, row.customerId, userId, 'userId');
    return this.change(actor, subscriptionId, expectedVersion, 'assignLicence', false, async (locked, manager) => {
      requireStatus(locked, ['ACTIVE'], 'assign licences of');
      if (await this.store.hasLicence(subscriptionId, userId, manager)) return null;
      // Under the subscription's row lock, so concurrent assigns never exceed the quantity.
      checkFreeSeat(locked, await this.store.assignedLicences(subscriptionId, manager));
      await this.store.assignLicence(subscriptionId, userId, this.clock.now(), manager);
      return { licence: { from: null, to: userId } };
    });
  }

  async unassignLicence(
    actor: SubscriptionActor,
    subscriptionId: string,
    userId: string,
    expectedVersion: number | null | undefined,
  ): Promise<SubscriptionRow> {
    await this.licensable(actor, subscriptionId);
    if (!isUuid(userId)) throw notFound('Licence assignment', 'userId');
    return this.change(actor, subscriptionId, expectedVersion, 'unassignLicence', false, async (locked, manager) => {
      requireStatus(locked, UNASSIGNABLE_STATUSES, 'unassign licences of');
      if (!(await this.store.unassignLicence(subscriptionId, userId, manager))) throw notFound('Licence assignment', 'userId');
      return { licence: { from: userId, to: null } };
    });
  }

  /**
   * The customer side of deleting a customer user: every licence it holds is freed, and kept
   * aside so that a restore can give it back. Idempotent: a second call finds nothing to free.
   */
  async releaseUserLicences(actor: Actor, customerId: string, userId: string): Promise<string[]> {
    // The customer subgraph has checked the viewer's admin rights on the customer.
    authorize(actor.viewer, ADMINISTER_CUSTOMER);
    if (!isUuid(customerId) || !isUuid(userId)) return [];
    const released: string[] = [];
    for (const subscriptionId of await this.store.heldLicences(customerId, userId)) {
      await this.db.transaction(async (manager) => {
        const locked = await this.lock(manager, subscriptionId);
        const assignment = await this.store.findLicence(subscriptionId, userId, manager);
        if (!assignment) return;
        await this.store.unassignLicence(subscriptionId, userId, manager);
        await this.store.keepReleased(
          { subscriptionId, customerUserId: userId, customerId, assignedAt: assignment.assignedAt, releasedAt: this.clock.now() },
          manager,
        );
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
    actor: Actor,
    customerId: string,
    userId: string,
  ): Promise<{
    reinstated: string[];
    notReinstated: { subscriptionId: string; code: 'NO_AVAILABLE_LICENCES' | 'INVALID_STATUS_TRANSITION'; message: string }[];
  }> {
    authorize(actor.viewer, ADMINISTER_CUSTOMER);
    const result: Awaited<ReturnType<SubscriptionManager['reinstateUserLicences']>> = { reinstated: [], notReinstated: [] };
    if (!isUuid(customerId) || !isUuid(userId)) return result;
    for (const release of await this.store.releasedLicences(customerId, userId)) {
      await this.db.transaction(async (manager) => {
        const locked = await this.lock(manager, release.subscriptionId);
        if (!(await this.store.takeReleased(release.subscriptionId, userId, manager))) return; // a concurrent restore took it
        const refusal = reinstatementRefusal(locked, await this.store.assignedLicences(locked.id, manager));
        if (refusal) {
          result.notReinstated.push({ subscriptionId: locked.id, ...refusal });
          return;
        }
        await this.store.assignLicence(locked.id, userId, this.clock.now(), manager);
        await this.bumpForLicence(manager, actor, locked, 'restoreCustomerUser', { from: null, to: userId });
        result.reinstated.push(locked.id);
      });
    }
    return result;
  }

  /** A licence moved by another flow (a user deleted or restored): new version, history and audit, like assignLicence. */
  private async bumpForLicence(
    manager: EntityManager,
    actor: Actor,
    locked: SubscriptionRow,
    operation: string,
    licence: { from: string | null; to: string | null },
  ): Promise<void> {
    const after: SubscriptionRow = { ...locked, version: locked.version + 1, updatedAt: this.clock.now() };
    await this.store.update(locked.id, { version: after.version, updatedAt: after.updatedAt }, manager);
    await this.recordHistory(manager, actor, after, operation, [{ field: 'licence', ...licence }]);
    await writeAudit(
      manager,
      { ...actor, clock: this.clock },
      {
        operation,
        resourceType: 'CustomerSubscription',
        resourceId: locked.id,
        customerId: locked.customerId,
        oldValue: { licence: licence.from },
        newValue: { licence: licence.to, version: after.version },
      },
    );
    await recordEvent(
      manager,
      this.clock,
      subscriptionEvent(licence.to ? 'licence.assigned' : 'licence.unassigned', after, {
        userId: licence.to ?? licence.from,
        reason: operation,
      }),
    );
  }

  /** The ids of a customer's subscriptions, oldest first. */
  async subscriptionIdsForCustomer(customerId: string): Promise<string[]> {
    return isUuid(customerId) ? this.store.idsForCustomer(customerId) : [];
  }

  /** Renewal with a product key (the licensing-key subgraph's redemption): see `renewWithKey`. */
  async extendTerm(actor: SubscriptionActor, subscriptionId: string, months: number, idempotencyKey: string): Promise<SubscriptionRow> {
    const viewer = authorize(actor.viewer);
    checkTermMonths(months, 'months');
    const { row } = await this.visible(actor, subscriptionId);
    if (!isRenewableBy(viewer, row)) {
      throw new DomainError(
        'SUBSCRIPTION_NOT_MANAGEABLE',
        'Only a subscription your organisation sold (as reseller or with product keys) can be renewed with a key',
        'subscriptionId',
      );
    }
    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        {
          scope: viewer.partnerId,
          operation: 'extendSubscriptionTerm',
          key: idempotencyKey,
          request: { subscriptionId, months },
          clock: this.clock,
        },
        async () => {
          const locked = await this.lock(manager, subscriptionId);
          const { after, changes } = renewWithKey(locked, months, this.clock.now());
          await this.store.update(
            subscriptionId,
            { status: after.status, endDate: after.endDate, version: after.version, updatedAt: after.updatedAt },
            manager,
          );
          await this.recordHistory(manager, actor, after, 'renewSubscriptionWithProductKey', changes);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'extendSubscriptionTerm',
              resourceType: 'CustomerSubscription',
              resourceId: subscriptionId,
              customerId: locked.customerId,
              oldValue: { status: locked.status, endDate: locked.endDate },
              newValue: { status: after.status, endDate: after.endDate, version: after.version },
            },
          );
          // A product key's extra term is a renewal; the licensing-key subgraph reports the redemption itself.
          await recordEvent(
            manager,
            this.clock,
            subscriptionEvent('subscription.renewed', after, { reason: 'extendSubscriptionTerm', changes }),
          );
          return { subscriptionId };
        },
      ),
    );
    return this.store.get(receipt.subscriptionId);
  }

  /** A new directly billed subscription starts at once; it takes over the licences and the old one ends. */
  async renewWithDirectBilling(
    actor: SubscriptionActor,
    id: string,
    expectedVersion: number | null | undefined,
  ): Promise<{ subscription: SubscriptionRow; previous: SubscriptionRow }> {
    const viewer = authorize(actor.viewer, ADMINISTER_CUSTOMER);
    const { row } = await this.visible(actor, id);
    if (!isRenewableBy(viewer, row))
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'Only the partner on record can renew this subscription', 'id');
    return this.db.transaction(async (manager) => {
      const locked = await this.lock(manager, id);
      checkVersion(locked, expectedVersion);
      const { renewed, previous } = renewWithDirectBilling(locked, randomUUID(), this.clock.now());
      await this.insertSubscription(manager, actor, renewed, 'renewSubscriptionWithDirectBilling');
      await this.store.moveLicences(locked.id, renewed.id, manager);
      await this.store.update(locked.id, { status: previous.status, version: previous.version, updatedAt: previous.updatedAt }, manager);
      await this.recordHistory(manager, actor, previous, 'renewSubscriptionWithDirectBilling', [
        { field: 'status', from: locked.status, to: 'REPLACED' },
        { field: 'renewedAs', from: null, to: renewed.id },
      ]);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'renewSubscriptionWithDirectBilling',
          resourceType: 'CustomerSubscription',
          resourceId: locked.id,
          customerId: locked.customerId,
          oldValue: { status: locked.status },
          newValue: { status: 'REPLACED', renewedAs: renewed.id },
        },
      );
      return { subscription: renewed, previous };
    });
  }

  /** The subscription if the viewer's partner may see it (related customer), else NOT_FOUND. */
  private async visible(actor: SubscriptionActor, id: string): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo }> {
    const row = isUuid(id) ? await this.store.find(id) : null;
    const access = row ? await actor.customerAccess(row.customerId) : null;
    if (!row || !access) throw notFound('Subscription', 'id');
    return { row, access };
  }
  /** Visible and sold by the viewer's partner as reseller; anything else is view-only. */
  private async manageable(
    actor: SubscriptionActor,
    id: string,
  ): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo; viewer: PartnerViewer }> {
    const viewer = authorize(actor.viewer);
    const found = await this.visible(actor, id);
    if (!isSoldBy(viewer, found.row)) {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'This subscription was not sold by your organisation: it is view-only', 'id');
    }
    return { ...found, viewer };
  }

  /** Visible, and the viewer administers the customer with FULL effective access (licences). */
  private async licensable(actor: SubscriptionActor, id: string): Promise<{ row: SubscriptionRow; access: CustomerAccessInfo }> {
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
    actor: SubscriptionActor,
    id: string,
    expectedVersion: number | null | undefined,
    operation: string,
    dryRun: boolean,
    decide: (
      locked: SubscriptionRow,
      manager: EntityManager,
    ) => Promise<Changes | { licence: { from: string | null; to: string | null } } | null>,
  ): Promise<SubscriptionRow> {
    return this.db.transaction(async (manager) => {
      const locked = await this.lock(manager, id);
      checkVersion(locked, expectedVersion);
      const decided = await decide(locked, manager);
      if (decided === null) return locked;
      let after: SubscriptionRow = locked;
      let entries: HistoryEntry[];
      if ('licence' in decided) {
        entries = [{ field: 'licence', ...decided.licence }];
      } else {
        after = { ...locked, ...decided };
        entries = changedFields(locked, after);
      }
      if (dryRun) return after;
      if (entries.length === 0) return locked;
      after = { ...after, version: locked.version + 1, updatedAt: this.clock.now() };
      await this.store.update(
        id,
        {
          quantity: after.quantity,
          status: after.status,
          autoRenew: after.autoRenew,
          scheduledChange: after.scheduledChange ?? null,
          version: after.version,
          updatedAt: after.updatedAt,
        },
        manager,
      );
      await this.recordHistory(manager, actor, after, operation, entries);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation,
          resourceType: 'CustomerSubscription',
          resourceId: id,
          customerId: locked.customerId,
          oldValue: Object.fromEntries(entries.map((entry) => [entry.field, entry.from])),
          newValue: { ...Object.fromEntries(entries.map((entry) => [entry.field, entry.to])), version: after.version },
        },
      );
      const type = CHANGE_EVENTS[operation];
      if (type) {
        await recordEvent(
          manager,
          this.clock,
          subscriptionEvent(type, after, {
            changes: entries.map(({ field, from, to }) => ({ field, from, to })),
          }),
        );
      }
      return after;
    });
  }

  private idempotency(viewer: PartnerViewer, operation: string, input: { id: string } & WeeklyOptions, request: object) {
    return {
      scope: viewer.partnerId,
      operation,
      key: input.idempotencyKey,
      request: { id: input.id, expectedVersion: input.expectedVersion ?? null, ...request },
      clock: this.clock,
    };
  }

  /**
   * One of the weekly actions that rewrites the subscription in place, under its row lock: the
   * version check, the rule in `decide`, then (unless dryRun) the row, `write`'s extra rows, the
   * history, the audit record and the event, in one transaction settled by the idempotency key.
   */
  private async rewrite(
    actor: SubscriptionActor,
    viewer: PartnerViewer,
    input: { id: string } & WeeklyOptions,
    operation: string,
    request: object,
    event: EventType,
    decide: (
      locked: SubscriptionRow,
      manager: EntityManager,
    ) => Promise<{
      after: SubscriptionRow;
      changes: HistoryEntry[];
      extra: Record<string, unknown>;
      write?: (manager: EntityManager) => Promise<void>;
    }>,
  ): Promise<SubscriptionRow> {
    const settle = async (manager: EntityManager) => {
      const locked = await this.lock(manager, input.id);
      checkVersion(locked, input.expectedVersion);
      return { locked, ...(await decide(locked, manager)) };
    };
    if (input.dryRun) return (await this.db.transaction(settle)).after;
    const ids = this.idempotency(viewer, operation, input, request);
    const replayed = await recordedResult<{ subscriptionId: string }>(this.db.manager, ids);
    if (replayed) return this.store.get(replayed.result.subscriptionId);
    await this.db.transaction((manager) =>
      idempotent(manager, ids, async () => {
        const { locked, after, changes, extra, write } = await settle(manager);
        const {
          id: _id,
          customerId: _customer,
          partnerId: _partner,
          channel: _channel,
          renewedFromId: _renewed,
          createdAt: _created,
          ...columns
        } = after;
        await this.store.update(locked.id, columns, manager);
        await write?.(manager);
        await this.recordHistory(manager, actor, after, operation, changes);
        await writeAudit(
          manager,
          { ...actor, clock: this.clock },
          {
            operation,
            resourceType: 'CustomerSubscription',
            resourceId: locked.id,
            customerId: locked.customerId,
            oldValue: Object.fromEntries(changes.map((entry) => [entry.field, entry.from])),
            newValue: { ...Object.fromEntries(changes.map((entry) => [entry.field, entry.to])), version: after.version },
          },
        );
        await recordEvent(manager, this.clock, subscriptionEvent(event, after, { changes, ...extra }));
        return { subscriptionId: locked.id };
      }),
    );
    return this.store.get(input.id);
  }

  /** The offer subgraph's answer for each offer in the customer's country, by id, in one call (an id that is no UUID is simply unavailable). */
  private async offersIn(as: Actor, partnerId: string, country: string, offerIds: string[]): Promise<Map<string, OfferAvailability>> {
    const asked = [...new Set(offerIds.filter(isUuid))];
    const answers =
      asked.length > 0
        ? (await this.services.call('offer', OfferAvailabilityDocument, { partnerId, country, offerIds: asked }, as)).offerAvailability
        : [];
    const found = new Map(answers.map((offer) => [offer.offerId, offer]));
    return new Map(offerIds.map((id) => [id, found.get(id) ?? unavailableOffer(id)]));
  }

  private async lock(manager: EntityManager, id: string): Promise<SubscriptionRow> {
    const row = await this.store.lock(manager, id);
    if (!row) throw notFound('Subscription', 'id');
    return row;
  }

  private async availableOffer(as: Actor, partnerId: string, country: string, offerId: string): Promise<OfferAvailability> {
    const [offer] = isUuid(offerId)
      ? (
          await this.services.call(
            'offer',
            OfferAvailabilityDocument,
            { partnerId, country, offerIds: [offerId] },
            { viewer: as.viewer, requestId: as.requestId },
          )
        ).offerAvailability
      : [];
    if (!offer?.available)
      throw new DomainError('OFFER_NOT_AVAILABLE', "This offer is not available to you for this customer's country", 'offerId');
    return offer;
  }

  /** An add-on needs an active subscription of one of its prerequisite offers. */
  private async checkPrerequisite(manager: EntityManager, customerId: string, offer: OfferAvailability): Promise<void> {
    if (!offer.isAddOn || offer.prerequisiteOfferIds.length === 0) return;
    if (!(await this.store.hasActiveOf(customerId, offer.prerequisiteOfferIds.filter(isUuid), manager))) {
      throw new DomainError('PREREQUISITE_MISSING', 'This add-on needs an active subscription of its prerequisite offer', 'offerId');
    }
  }

  private async checkCustomerUser(as: Actor, customerId: string, userId: string, field: string): Promise<void> {
    const users = isUuid(userId)
      ? (
          await this.services.call(
            'customer',
            CustomerUsersByIdDocument,
            { customerId, userIds: [userId] },
            { viewer: as.viewer, requestId: as.requestId },
          )
        ).customerUsersById
      : [];
    const user = users.find((candidate) => candidate.id === userId);
    if (!user || user.customerId !== customerId || user.deleted) throw notFound('Customer user', field);
  }

  private newSubscription(spec: Omit<Parameters<typeof newSubscription>[0], 'id'>): SubscriptionRow {
    return newSubscription({ ...spec, id: randomUUID() }, this.clock.now());
  }

  /** `announce` false: the caller reports the new subscription with its own event (an upgrade). */
  private async insertSubscription(
    manager: EntityManager,
    actor: Actor,
    row: SubscriptionRow,
    operation: string,
    announce = true,
  ): Promise<void> {
    await this.store.insert(row, manager);
    await this.recordHistory(manager, actor, row, operation, [
      { field: 'status', from: null, to: row.status },
      { field: 'quantity', from: null, to: String(row.quantity) },
    ]);
    await writeAudit(
      manager,
      { ...actor, clock: this.clock },
      {
        operation,
        resourceType: 'CustomerSubscription',
        resourceId: row.id,
        customerId: row.customerId,
        newValue: {
          offerId: row.offerId,
          quantity: row.quantity,
          channel: row.channel,
          status: row.status,
          endDate: row.endDate,
          autoRenew: row.autoRenew,
        },
      },
    );
    if (announce)
      await recordEvent(
        manager,
        this.clock,
        subscriptionEvent('subscription.added', row, {
          offerId: row.offerId,
          channel: row.channel,
          isTrial: row.isTrial,
          endDate: row.endDate,
          autoRenew: row.autoRenew,
          renewedFromId: row.renewedFromId,
          reason: operation,
        }),
      );
  }

  private async recordHistory(
    manager: EntityManager,
    actor: Actor,
    row: SubscriptionRow,
    action: string,
    entries: HistoryEntry[],
  ): Promise<void> {
    const viewer = actor.viewer;
    // The lifecycle job records its own (SYSTEM) history; here a non-user is a calling service.
    const actorKind: HistoryActorKind = viewer.kind === 'partner-user' ? 'PARTNER_USER' : 'SERVICE';
    const occurredAt = this.clock.now();
    await this.store.recordHistory(
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
      manager,
    );
  }
}

/** The events the subscription changes made through `change` report. */
const CHANGE_EVENTS: Record<string, EventType> = {
  changeSubscriptionQuantity: 'subscription.quantity_changed',
  suspendSubscription: 'subscription.suspended',
  activateSubscription: 'subscription.activated',
  assignLicence: 'licence.assigned',
  unassignLicence: 'licence.unassigned',
};
