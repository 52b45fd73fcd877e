import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  CreateCustomerAccountDocument,
  CustomerAccessDocument,
  DomainError,
  ExtendSubscriptionTermDocument,
  isUuid,
  notFound,
  OfferAvailabilityAnywhereAndInCountryDocument,
  Problems,
  readCustomerAccount,
  FlowFailed,
  FlowRefused,
  refuseOnErrors,
  generateTemporaryPassword,
  hashPassword,
  sha256,
  storedFailure,
  SubscriptionIdsForCustomerDocument,
  SubscriptionToRenewDocument,
  writeAudit,
  recordEvent,
  type Clock,
  type CustomerAccountRules,
  type FlowDefinition,
  type FlowRun,
  type Flows,
  type PayloadError,
  type PartnerViewer,
  type ErrorCode,
  type ServiceClient,
  type Actor,
} from '@partner-graph/platform';
import type { ProductKeyRow, ProductKeyStore, RedemptionCustomer, RedemptionRow, RedemptionStore } from '../db/index.js';
import { hashProductKey, maskProductKey, normaliseProductKey } from './key-format.js';
import { MAX_KEYS_PER_REQUEST, PRODUCT_KEYS } from './product-keys.js';
import { isTaken, redemptionAccount } from './rules.js';

export interface RedemptionCustomerInput {
  companyName: string;
  country: string;
  domainPrefix?: string | null;
  adminFirstName: string;
  adminLastName: string;
  adminEmail: string;
  adminPhone?: string | null;
  addressLine1?: string | null;
  city?: string | null;
  postalCode?: string | null;
}

/** A customer redeeming keys names its organisation and first administrator; the address, the phone and the domain may be left to defaults. */
const REDEEMING_CUSTOMER: CustomerAccountRules = { role: 'admin', address: 'optional', phone: 'optional', domainPrefix: 'optional' };

/** Where a redemption or renewal stands, with what only the call that started it can see. */
export interface RedemptionOutcome {
  redemption: RedemptionRow;
  /** The customer admin's temporary password: only to the call that started the redemption. */
  temporaryPassword: string | null;
  errors: PayloadError[];
}

/** What the flow of a redemption carries besides its row: the first administrator's password, hashed (shown once to the partner who started it). */
interface RedemptionFlowInput {
  adminPasswordHash: string | null;
}

/** The new account is still being provisioned: the flow's job tries again later. */
class NotYet extends Error {}

/** The recorded result of a flow's last step: the subscription the keys made or extended. */
interface SubscriptionStep {
  subscriptionId: string;
  endDate: string | null;
}

/**
 * Redemption of keys into a new customer account, and renewal of a subscription with a key
 *, as durable flows (the platform's `Flows`). The mutation reserves the keys
 * and records the redemption and its flow in one transaction, and answers at once; the flow's
 * job then calls the customer and subscription subgraphs with idempotency keys derived from the
 * redemption's id. The keys are marked REDEEMED only once their subscription exists, and
 * released if the other subgraph refuses for good. The partner follows `productKeyRedemption`.
 * The new administrator's password is made by the mutation and shown to its caller at once;
 * only its hash travels with the flow to the customer subgraph.
 */
export class Redemptions {
  private readonly flow: FlowDefinition<RedemptionFlowInput>;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    /** The offer, customer and subscription subgraphs, called with the partner user's signed context. */
    private readonly services: ServiceClient,
    private readonly flows: Flows,
    private readonly redemptions: RedemptionStore,
    private readonly keys: ProductKeyStore,
  ) {
    this.flow = flows.define<RedemptionFlowInput>({
      kind: 'product-key-redemption',
      run: (run) => this.steps(run),
      succeeded: (manager, flow) => this.complete(manager, flow.id, flow.steps.subscription as SubscriptionStep),
      failure: (error) => ({
        reason: error instanceof NotYet ? error.message : 'A service is unavailable; the redemption will be resumed',
        final: false,
      }),
      // The other subgraph refused for good: the keys are released.
      failed: async (manager, flow, failure, error) => {
        if (failure.final && error instanceof FlowRefused) await this.fail(manager, flow.id, error.error);
      },
    });
  }

  async redeem(
    actor: Actor,
    keyInputs: string[],
    customerInput: RedemptionCustomerInput,
    idempotencyKey: string,
  ): Promise<RedemptionOutcome> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const as: Actor = { viewer, requestId: actor.requestId };
    const problems = new Problems();
    if (!idempotencyKey.trim() || idempotencyKey.length > 200)
      problems.add('VALIDATION_FAILED', 'idempotencyKey: 1 to 200 characters', 'idempotencyKey');
    if (keyInputs.length === 0) problems.add('VALIDATION_FAILED', 'Enter at least one product key', 'keys');
    if (keyInputs.length > MAX_KEYS_PER_REQUEST)
      problems.add('VALIDATION_FAILED', `At most ${MAX_KEYS_PER_REQUEST} keys at a time`, 'keys');
    const hashes: string[] = [];
    keyInputs.forEach((input, i) => {
      const result = normaliseProductKey(input);
      if (!result.ok) return void problems.add('INVALID_PRODUCT_KEY', result.message, `keys.${i}`);
      const hash = hashProductKey(result.key);
      if (hashes.includes(hash)) problems.add('VALIDATION_FAILED', 'This key is entered more than once', `keys.${i}`);
      hashes.push(hash);
    });
    const customer = this.customerOf(customerInput, problems);
    problems.throwIfAny();
    const requestHash = sha256(JSON.stringify({ keys: [...hashes].sort(), customer }));

    const replayed = await this.replay(viewer, 'NEW_ACCOUNT', idempotencyKey, requestHash);
    if (replayed) return replayed;

    // Checked before anything is reserved, then again under the keys' locks.
    const checked = await this.keysOrReplay(viewer, 'NEW_ACCOUNT', idempotencyKey, requestHash, async () =>
      this.checkKeys(hashes, await this.keys.byHashes(viewer.partnerId, hashes)),
    );
    if ('replayed' in checked) return checked.replayed;
    const { keys } = checked;
    const offerId = keys[0]!.offerId;
    const seats = keys.reduce((sum, key) => sum + key.seats, 0);
    const termMonths = keys[0]!.termMonths;
    if (keys.some((key) => key.termMonths !== termMonths))
      throw new DomainError('MIXED_OFFERS', 'All keys of a redemption must have the same term', 'keys');
    const offers = await this.services.call(
      'offer',
      OfferAvailabilityAnywhereAndInCountryDocument,
      { partnerId: viewer.partnerId, country: customer.country, offerIds: [offerId] },
      as,
    );
    const [anywhere] = offers.anywhere;
    const [here] = offers.here;
    if (!anywhere?.available)
      throw new DomainError('OFFER_NOT_AVAILABLE', 'The offer of these keys is not available to your organisation', 'keys');
    if (!here?.available) {
      throw new DomainError(
        'COUNTRY_NOT_SUPPORTED',
        `${anywhere.name ?? 'This offer'} is not sold in ${customer.country}`,
        'customer.country',
      );
    }
    if (here.isAddOn)
      throw new DomainError(
        'PREREQUISITE_MISSING',
        `${here.name ?? 'This offer'} is an add-on: it needs a subscription to its prerequisite first`,
        'keys',
      );
    const min = here.minQuantity ?? 1;
    const max = here.maxQuantity ?? Number.MAX_SAFE_INTEGER;
    if (seats < min || seats > max)
      throw new DomainError(
        'QUANTITY_OUT_OF_RANGE',
        `These keys add ${seats} seats; ${here.name ?? 'the offer'} takes ${min} to ${max}`,
        'keys',
      );

    const id = randomUUID();
    const temporaryPassword = generateTemporaryPassword();
    const adminPasswordHash = await hashPassword(temporaryPassword);
    const started = await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const row: RedemptionRow = {
        id,
        partnerId: viewer.partnerId,
        usedFor: 'NEW_ACCOUNT',
        status: 'PENDING',
        idempotencyKey,
        requestHash,
        offerId,
        keyIds: keys.map((k) => k.id),
        seats,
        termMonths,
        customer,
        requestedBy: viewer,
        customerId: null,
        subscriptionId: null,
        adminUserName: null,
        endDate: null,
        failureCode: null,
        failureMessage: null,
        failureField: null,
        createdAt: now,
        updatedAt: now,
        completedAt: null,
      };
      if (!(await this.redemptions.insertUnlessTaken(row, manager))) return false;
      const locked = this.checkKeys(hashes, await this.keys.byHashes(viewer.partnerId, hashes, true, manager));
      await this.keys.reserve(
        locked.map((k) => k.id),
        id,
        now,
        manager,
      );
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'redeemProductKeys',
          resourceType: 'ProductKeyRedemption',
          resourceId: id,
          newValue: {
            status: 'PENDING',
            offerId,
            seats,
            termMonths,
            keys: locked.map((k) => maskProductKey(k.lastFive)),
            companyName: customer.companyName,
            country: customer.country,
          },
        },
      );
      await this.flows.start(manager, this.flow, id, { adminPasswordHash });
      return true;
    });
    // A concurrent request with the same idempotency key recorded it first: answer with its redemption.
    if (!started) return (await this.replay(viewer, 'NEW_ACCOUNT', idempotencyKey, requestHash))!;
    return { redemption: await this.redemptions.byId(id), temporaryPassword, errors: [] };
  }

  async renew(actor: Actor, subscriptionId: string, keyInput: string): Promise<RedemptionOutcome> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const as: Actor = { viewer, requestId: actor.requestId };
    const parsed = normaliseProductKey(keyInput);
    if (!parsed.ok) throw new DomainError('INVALID_PRODUCT_KEY', parsed.message, 'key');
    if (!isUuid(subscriptionId)) throw notFound('Subscription', 'subscriptionId');
    const hash = hashProductKey(parsed.key);
    // A retry of the same renewal returns its result: the key and the subscription identify it.
    const idempotencyKey = `${hash}:${subscriptionId}`;
    const requestHash = sha256(idempotencyKey);
    const replayed = await this.replay(viewer, 'RENEWAL', idempotencyKey, requestHash);
    if (replayed) return replayed;

    const checked = await this.keysOrReplay(viewer, 'RENEWAL', idempotencyKey, requestHash, async () =>
      this.checkKeys([hash], await this.keys.byHashes(viewer.partnerId, [hash]), 'key'),
    );
    if ('replayed' in checked) return checked.replayed;
    const [key] = checked.keys;
    const { subscription } = await this.services.call('subscription', SubscriptionToRenewDocument, { id: subscriptionId }, as);
    if (!subscription) throw notFound('Subscription', 'subscriptionId');
    if (!['ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED'].includes(subscription.status)) {
      throw new DomainError('INVALID_STATUS_TRANSITION', `A ${subscription.status} subscription cannot be renewed`, 'subscriptionId');
    }
    // The subscription subgraph owns the rule (its partner's own reseller or product-key sale); checked before the key is reserved.
    if (!subscription.allowedActions.includes('RENEW_WITH_PRODUCT_KEY')) {
      throw new DomainError(
        'SUBSCRIPTION_NOT_MANAGEABLE',
        'Only a subscription your organisation sold (as reseller or with product keys) can be renewed with a key',
        'subscriptionId',
      );
    }
    if (subscription.offer?.id !== key!.offerId)
      throw new DomainError('MIXED_OFFERS', 'This key is for another offer than the subscription’s', 'key');

    const id = randomUUID();
    const started = await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const inserted = await this.redemptions.insertUnlessTaken(
        {
          id,
          partnerId: viewer.partnerId,
          usedFor: 'RENEWAL',
          status: 'PENDING',
          idempotencyKey,
          requestHash,
          offerId: key!.offerId,
          keyIds: [key!.id],
          seats: key!.seats,
          termMonths: key!.termMonths,
          customer: null,
          requestedBy: viewer,
          customerId: subscription.customer.id,
          subscriptionId,
          adminUserName: null,
          endDate: null,
          failureCode: null,
          failureMessage: null,
          failureField: null,
          createdAt: now,
          updatedAt: now,
          completedAt: null,
        },
        manager,
      );
      if (!inserted) return false;
      const locked = this.checkKeys([hash], await this.keys.byHashes(viewer.partnerId, [hash], true, manager), 'key');
      await this.keys.reserve(
        locked.map((k) => k.id),
        id,
        now,
        manager,
      );
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'renewSubscriptionWithProductKey',
          resourceType: 'ProductKeyRedemption',
          resourceId: id,
          customerId: subscription.customer.id,
          oldValue: { subscriptionId, status: subscription.status, endDate: subscription.endDate },
          newValue: { status: 'PENDING', key: maskProductKey(key!.lastFive), termMonths: key!.termMonths },
        },
      );
      await this.flows.start(manager, this.flow, id, { adminPasswordHash: null });
      return true;
    });
    if (!started) return (await this.replay(viewer, 'RENEWAL', idempotencyKey, requestHash))!;
    return this.outcomeOf(await this.redemptions.byId(id));
  }

  /** The flow's steps, from what the redemption row records. */
  private async steps({ flow, step }: FlowRun<RedemptionFlowInput>): Promise<void> {
    const id = flow.id;
    const redemption = await this.redemptions.byId(id);
    const as: Actor = { viewer: redemption.requestedBy, requestId: `redemption:${id}` };
    // The remote calls' idempotency key is `redemption:<id>`, as before the flows: a call made before an upgrade is answered the same.
    const key = `redemption:${id}`;
    if (redemption.usedFor === 'RENEWAL') {
      await step('subscription', async (): Promise<SubscriptionStep> => {
        const { extendSubscriptionTerm: result } = await this.services.call(
          'subscription',
          ExtendSubscriptionTermDocument,
          { subscriptionId: redemption.subscriptionId!, months: redemption.termMonths, idempotencyKey: key },
          as,
        );
        return { subscriptionId: redemption.subscriptionId!, endDate: refuseOnErrors(result).endDate };
      });
      return;
    }
    const account = await step('account', async () => {
      const input = redemptionAccount({ ...redemption, customer: redemption.customer!, adminPasswordHash: flow.input.adminPasswordHash });
      const { createCustomerAccount: result } = await this.services.call(
        'customer',
        CreateCustomerAccountDocument,
        { input, idempotencyKey: key },
        as,
      );
      const { customerId, adminUserName } = refuseOnErrors(result, {
        produces: 'customerId',
        missing: 'The customer account could not be created',
      });
      return { customerId, adminUserName };
    });
    await this.redemptions.accountCreated(id, { ...account, at: this.clock.now() });
    // The customer subgraph provisions the account's subscription in its own flow; until then this one is tried again.
    await step('subscription', async (): Promise<SubscriptionStep> => {
      const { customerAccess } = await this.services.call(
        'customer',
        CustomerAccessDocument,
        { partnerId: redemption.partnerId, customerIds: [account.customerId] },
        as,
      );
      const access = customerAccess.find((c) => c.customerId === account.customerId);
      if (access?.provisioningState !== 'ACTIVE') throw new NotYet('Waiting for the new account to be provisioned');
      // The account was created for this redemption: its one subscription is the keys' subscription.
      const {
        subscriptionIdsForCustomer: [subscriptionId],
      } = await this.services.call('subscription', SubscriptionIdsForCustomerDocument, { customerId: account.customerId }, as);
      if (!subscriptionId) throw new NotYet('Waiting for the new account’s subscription');
      return { subscriptionId, endDate: null };
    });
  }

  /** Runs the redemption's flow now (what its job does); returns the redemption as it then stands. */
  async resume(id: string): Promise<RedemptionRow> {
    try {
      await this.flows.run(id);
    } catch (error) {
      // Recorded in the flow (and, when final, in the redemption); the job would try again.
      if (!(error instanceof FlowFailed)) throw error;
    }
    return this.redemptions.byId(id);
  }

  /** A redemption of the viewer's partner. */
  async get(viewer: PartnerViewer, id: string): Promise<RedemptionRow | null> {
    if (!isUuid(id)) return null;
    return this.redemptions.ofPartner(viewer.partnerId, id);
  }

  private customerOf(input: RedemptionCustomerInput, problems: Problems): RedemptionCustomer {
    const account = readCustomerAccount(input, REDEEMING_CUSTOMER, problems, 'customer.');
    return {
      companyName: account.companyName,
      country: account.country,
      domainPrefix: account.domainPrefix,
      adminFirstName: account.person.firstName,
      adminLastName: account.person.lastName,
      adminEmail: account.person.email,
      adminPhone: account.person.phone,
      addressLine1: account.addressLine1,
      city: account.city,
      postalCode: account.postalCode,
    };
  }

  /** The keys, in input order, if every one is the partner's, free, and of one offer; otherwise every problem at once. */
  private checkKeys(hashes: string[], found: Map<string, ProductKeyRow>, field = 'keys'): ProductKeyRow[] {
    const problems = new Problems();
    const at = (i: number) => (field === 'keys' ? `keys.${i}` : field);
    const keys: ProductKeyRow[] = [];
    hashes.forEach((hash, i) => {
      const key = found.get(hash);
      // Another partner's key fails exactly like a key that does not exist.
      if (!key) return void problems.add('INVALID_PRODUCT_KEY', 'This key is not one of your organisation’s product keys', at(i));
      if (key.state === 'REVOKED')
        return void problems.add('PRODUCT_KEY_REVOKED', `Key ${maskProductKey(key.lastFive)} was revoked`, at(i));
      if (isTaken(key))
        return void problems.add('PRODUCT_KEY_ALREADY_REDEEMED', `Key ${maskProductKey(key.lastFive)} was already redeemed`, at(i));
      keys.push(key);
    });
    problems.throwIfAny();
    if (new Set(keys.map((k) => k.offerId)).size > 1)
      throw new DomainError('MIXED_OFFERS', 'All keys of a redemption must be of the same offer', field);
    return keys;
  }

  private async replay(
    viewer: PartnerViewer,
    usedFor: RedemptionRow['usedFor'],
    idempotencyKey: string,
    requestHash: string,
  ): Promise<RedemptionOutcome | null> {
    const existing = await this.redemptions.byIdempotencyKey(viewer.partnerId, usedFor, idempotencyKey);
    if (!existing) return null;
    if (existing.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', 'idempotencyKey');
    }
    return this.outcomeOf(existing);
  }

  /** A redemption as it stands, without the password (shown only to the call that started it). */
  private outcomeOf(redemption: RedemptionRow): RedemptionOutcome {
    const failure = redemption.status === 'FAILED' ? storedFailure(redemption) : null;
    return { redemption, temporaryPassword: null, errors: failure ? [failure] : [] };
  }

  /** The keys, unless one was found taken by a concurrent request with this same idempotency key: then that request's redemption. */
  private async keysOrReplay(
    viewer: PartnerViewer,
    usedFor: RedemptionRow['usedFor'],
    idempotencyKey: string,
    requestHash: string,
    check: () => Promise<ProductKeyRow[]>,
  ): Promise<{ keys: ProductKeyRow[] } | { replayed: RedemptionOutcome }> {
    try {
      return { keys: await check() };
    } catch (error) {
      const replayed = error instanceof DomainError ? await this.replay(viewer, usedFor, idempotencyKey, requestHash) : null;
      if (replayed) return { replayed };
      throw error;
    }
  }

  /** The subscription exists (in the transaction that ends the flow): the keys are redeemed, for good. */
  private async complete(manager: EntityManager, id: string, step: SubscriptionStep): Promise<void> {
    const redemption = await this.redemptions.byId(id, manager);
    const now = this.clock.now();
    const endDate = step.endDate ? new Date(step.endDate) : null;
    if (!(await this.redemptions.complete(id, { subscriptionId: step.subscriptionId, endDate, at: now }, manager))) return;
    await this.keys.redeemReserved(
      id,
      { usedFor: redemption.usedFor, at: now, customerId: redemption.customerId, subscriptionId: step.subscriptionId },
      manager,
    );
    await this.auditEnd(manager, redemption, {
      newValue: { status: 'COMPLETED', customerId: redemption.customerId, subscriptionId: step.subscriptionId, endDate },
    });
    await recordEvent(manager, this.clock, {
      type: 'product_key.redeemed',
      partnerId: redemption.partnerId,
      objectType: 'ProductKeyRedemption',
      objectId: id,
      // The keys themselves are secrets: only how many, for which offer and what they made.
      data: {
        usedFor: redemption.usedFor,
        offerId: redemption.offerId,
        keyCount: redemption.keyIds.length,
        seats: redemption.seats,
        termMonths: redemption.termMonths,
        customerId: redemption.customerId,
        subscriptionId: step.subscriptionId,
        endDate,
      },
    });
  }

  /** The other subgraph refused for good (in the transaction that ends the flow): nothing was created, so the keys are released (compensation). */
  private async fail(manager: EntityManager, id: string, error: PayloadError): Promise<void> {
    const redemption = await this.redemptions.byId(id, manager);
    const now = this.clock.now();
    if (!(await this.redemptions.fail(id, { code: error.code, message: error.message, field: error.field, at: now }, manager))) return;
    await this.keys.releaseReserved(id, now, manager);
    await this.auditEnd(manager, redemption, { newValue: { status: 'FAILED', failure: error }, outcome: 'FAILED' });
  }

  /** The audit record of a redemption's end, written by the request's viewer under the redemption's own request id. */
  private auditEnd(manager: EntityManager, redemption: RedemptionRow, end: { newValue: unknown; outcome?: string }): Promise<void> {
    return writeAudit(
      manager,
      { viewer: redemption.requestedBy, requestId: `redemption:${redemption.id}`, clock: this.clock },
      {
        operation: redemption.usedFor === 'NEW_ACCOUNT' ? 'redeemProductKeys' : 'renewSubscriptionWithProductKey',
        resourceType: 'ProductKeyRedemption',
        resourceId: redemption.id,
        customerId: redemption.customerId,
        oldValue: { status: redemption.status },
        ...end,
      },
    );
  }
}
