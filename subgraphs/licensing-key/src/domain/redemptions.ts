import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  DomainError,
  isUuid,
  notFound,
  Problems,
  readCustomerAccount,
  ServiceCallError,
  ServiceUnavailableError,
  sha256,
  writeAudit,
  recordEvent,
  type CallContext,
  type Clock,
  type CustomerAccountRules,
  type Logger,
  type PayloadError,
  type PartnerViewer,
  type ErrorCode,
} from '@partner-graph/platform';
import { Redemption, type ProductKeyRow, type RedemptionCustomer, type RedemptionRow, type RedemptionStatus } from '../db/index.js';
import { hashProductKey, maskProductKey, normaliseProductKey } from './key-format.js';
import { isTaken, keysByHash, MAX_KEYS_PER_REQUEST, PRODUCT_KEYS, type Actor } from './product-keys.js';
import type { RemoteServices } from './remote-services.js';

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

/** Where a redemption or renewal stands, with what only the call that created the account can see. */
export interface RedemptionOutcome {
  redemption: RedemptionRow;
  /** The customer admin's temporary password: only to the call whose step created the account. */
  temporaryPassword: string | null;
  errors: PayloadError[];
}

/** A concurrent request with the same idempotency key got there first: answer with its result. */
class Replay extends Error {}

/** The result of the concurrent request with the same idempotency key, found while checking the keys. */
class Replayed extends Error {
  constructor(readonly outcome: RedemptionOutcome) {
    super('replayed');
  }
}

const UNFINISHED: RedemptionStatus[] = ['PENDING', 'ACCOUNT_CREATED'];
/** The resume job leaves a flow this long to the request that started it. */
const RESUME_AFTER_MS = 60_000;
/** How often a waiting request looks whether the new account is provisioned. */
const ACCOUNT_POLL_MS = 250;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function answerReplays(run: () => Promise<RedemptionOutcome>): Promise<RedemptionOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Replayed) return error.outcome;
    throw error;
  }
}

/**
 * Redemption of keys into a new customer account, and renewal of a subscription with a key
 * (SPEC §4.5, §6). Step 1 reserves the keys and records the flow in one transaction; the
 * later steps call the customer and subscription subgraphs with idempotency keys derived from
 * the flow's id, so `resume` can run them again after any crash; the keys are marked REDEEMED
 * only once their subscription exists, and released if the other subgraph refuses for good.
 */
export class Redemptions {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly remote: RemoteServices,
    private readonly logger: Logger,
    /**
     * How long `redeemProductKeys` waits for the new account's subscription before answering
     * ACCOUNT_CREATED; well inside the gateway's deadline on a subgraph call (5 s by default).
     */
    private readonly inlineWaitMs = 2_500,
  ) {}

  async redeem(actor: Actor, keyInputs: string[], customerInput: RedemptionCustomerInput, idempotencyKey: string): Promise<RedemptionOutcome> {
    return answerReplays(() => this.startRedemption(actor, keyInputs, customerInput, idempotencyKey));
  }

  async renew(actor: Actor, subscriptionId: string, keyInput: string): Promise<RedemptionOutcome> {
    return answerReplays(() => this.startRenewal(actor, subscriptionId, keyInput));
  }

  private async startRedemption(actor: Actor, keyInputs: string[], customerInput: RedemptionCustomerInput, idempotencyKey: string): Promise<RedemptionOutcome> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const as: CallContext = { viewer, requestId: actor.requestId };
    const problems = new Problems();
    if (!idempotencyKey.trim() || idempotencyKey.length > 200) problems.add('VALIDATION_FAILED', 'idempotencyKey: 1 to 200 characters', 'idempotencyKey');
    if (keyInputs.length === 0) problems.add('VALIDATION_FAILED', 'Enter at least one product key', 'keys');
    if (keyInputs.length > MAX_KEYS_PER_REQUEST) problems.add('VALIDATION_FAILED', `At most ${MAX_KEYS_PER_REQUEST} keys at a time`, 'keys');
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
    const keys = await this.orReplay(viewer, 'NEW_ACCOUNT', idempotencyKey, requestHash, async () => this.checkKeys(hashes, await keysByHash(this.db.manager, viewer, hashes)));
    const offerId = keys[0]!.offerId;
    const seats = keys.reduce((sum, key) => sum + key.seats, 0);
    const termMonths = keys[0]!.termMonths;
    if (keys.some((key) => key.termMonths !== termMonths)) throw new DomainError('MIXED_OFFERS', 'All keys of a redemption must have the same term', 'keys');
    const { anywhere, here } = await this.remote.offerInCountry(as, viewer.partnerId, customer.country, offerId);
    if (!anywhere?.available) throw new DomainError('OFFER_NOT_AVAILABLE', 'The offer of these keys is not available to your organisation', 'keys');
    if (!here?.available) {
      throw new DomainError('COUNTRY_NOT_SUPPORTED', `${anywhere.name ?? 'This offer'} is not sold in ${customer.country}`, 'customer.country');
    }
    if (here.isAddOn) throw new DomainError('PREREQUISITE_MISSING', `${here.name ?? 'This offer'} is an add-on: it needs a subscription to its prerequisite first`, 'keys');
    const min = here.minQuantity ?? 1;
    const max = here.maxQuantity ?? Number.MAX_SAFE_INTEGER;
    if (seats < min || seats > max) throw new DomainError('QUANTITY_OUT_OF_RANGE', `These keys add ${seats} seats; ${here.name ?? 'the offer'} takes ${min} to ${max}`, 'keys');

    const id = randomUUID();
    try {
      await this.db.transaction(async (manager) => {
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
          attempts: 0,
          createdAt: now,
          updatedAt: now,
          completedAt: null,
        };
        await this.insertOrReplay(manager, row);
        const locked = this.checkKeys(hashes, await keysByHash(manager, viewer, hashes, true));
        await this.reserve(manager, locked, id, now);
        await writeAudit(manager, { ...actor, clock: this.clock }, {
          operation: 'redeemProductKeys',
          resourceType: 'ProductKeyRedemption',
          resourceId: id,
          newValue: { status: 'PENDING', offerId, seats, termMonths, keys: locked.map((k) => maskProductKey(k.lastFive)), companyName: customer.companyName, country: customer.country },
        });
      });
    } catch (error) {
      if (error instanceof Replay) return (await this.replay(viewer, 'NEW_ACCOUNT', idempotencyKey, requestHash))!;
      throw error;
    }
    return this.resume(id, { waitForAccountMs: this.inlineWaitMs });
  }

  private async startRenewal(actor: Actor, subscriptionId: string, keyInput: string): Promise<RedemptionOutcome> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const as: CallContext = { viewer, requestId: actor.requestId };
    const parsed = normaliseProductKey(keyInput);
    if (!parsed.ok) throw new DomainError('INVALID_PRODUCT_KEY', parsed.message, 'key');
    if (!isUuid(subscriptionId)) throw notFound('Subscription', 'subscriptionId');
    const hash = hashProductKey(parsed.key);
    // A retry of the same renewal returns its result: the key and the subscription identify it.
    const idempotencyKey = `${hash}:${subscriptionId}`;
    const requestHash = sha256(idempotencyKey);
    const replayed = await this.replay(viewer, 'RENEWAL', idempotencyKey, requestHash);
    if (replayed) return replayed;

    const [key] = await this.orReplay(viewer, 'RENEWAL', idempotencyKey, requestHash, async () => this.checkKeys([hash], await keysByHash(this.db.manager, viewer, [hash]), 'key'));
    const subscription = await this.remote.subscription(as, subscriptionId);
    if (!subscription) throw notFound('Subscription', 'subscriptionId');
    if (!['ACTIVE', 'SUSPENDED', 'EXPIRED', 'DISABLED'].includes(subscription.status)) {
      throw new DomainError('INVALID_STATUS_TRANSITION', `A ${subscription.status} subscription cannot be renewed`, 'subscriptionId');
    }
    // The subscription subgraph owns the rule (its partner's own reseller or product-key sale); checked before the key is reserved.
    if (!subscription.allowedActions.includes('RENEW_WITH_PRODUCT_KEY')) {
      throw new DomainError('SUBSCRIPTION_NOT_MANAGEABLE', 'Only a subscription your organisation sold (as reseller or with product keys) can be renewed with a key', 'subscriptionId');
    }
    if (subscription.offer.id !== key!.offerId) throw new DomainError('MIXED_OFFERS', 'This key is for another offer than the subscription’s', 'key');

    const id = randomUUID();
    try {
      await this.db.transaction(async (manager) => {
        const now = this.clock.now();
        await this.insertOrReplay(manager, {
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
          attempts: 0,
          createdAt: now,
          updatedAt: now,
          completedAt: null,
        });
        const locked = this.checkKeys([hash], await keysByHash(manager, viewer, [hash], true), 'key');
        await this.reserve(manager, locked, id, now);
        await writeAudit(manager, { ...actor, clock: this.clock }, {
          operation: 'renewSubscriptionWithProductKey',
          resourceType: 'ProductKeyRedemption',
          resourceId: id,
          customerId: subscription.customer.id,
          oldValue: { subscriptionId, status: subscription.status, endDate: subscription.endDate },
          newValue: { status: 'PENDING', key: maskProductKey(key!.lastFive), termMonths: key!.termMonths },
        });
      });
    } catch (error) {
      if (error instanceof Replay) return (await this.replay(viewer, 'RENEWAL', idempotencyKey, requestHash))!;
      throw error;
    }
    return this.resume(id);
  }

  /**
   * Runs the steps of a redemption or renewal that are not done yet, from what is recorded.
   * Safe to run at any time and concurrently: each call to another subgraph is idempotent on
   * the flow's id, and each state change is a compare-and-set. A service that is down leaves
   * the flow where it is, for the next run.
   */
  async resume(id: string, options: { waitForAccountMs?: number } = {}): Promise<RedemptionOutcome> {
    let redemption = await this.db.getRepository(Redemption).findOneByOrFail({ id });
    let temporaryPassword: string | null = null;
    const as: CallContext = { viewer: redemption.requestedBy, requestId: `redemption:${id}` };
    try {
      if (redemption.status === 'PENDING' && redemption.usedFor === 'NEW_ACCOUNT') {
        const result = await this.remote.createCustomerAccount(
          as,
          { partnerId: redemption.partnerId, customer: redemption.customer!, offerId: redemption.offerId, seats: redemption.seats, termMonths: redemption.termMonths },
          `redemption:${id}`,
        );
        if (result.errors.length > 0 || !result.customerId) {
          redemption = await this.fail(redemption, result.errors[0] ?? { code: 'VALIDATION_FAILED', message: 'The customer account could not be created', field: null });
        } else {
          temporaryPassword = result.temporaryPassword;
          redemption = await this.advance(redemption, 'PENDING', { status: 'ACCOUNT_CREATED', customerId: result.customerId, adminUserName: result.adminUserName });
        }
      }
      // The customer subgraph provisions the account's subscription in the background: the
      // request that started the flow waits a little for it, the resume job does not.
      const deadline = Date.now() + (options.waitForAccountMs ?? 0);
      while (redemption.status === 'ACCOUNT_CREATED') {
        const access = await this.remote.customerAccess(as, redemption.partnerId, redemption.customerId!);
        if (access?.provisioningState === 'ACTIVE') {
          // The account was created for this redemption: its one subscription is the keys' subscription.
          const [subscriptionId] = await this.remote.subscriptionIdsForCustomer(as, redemption.customerId!);
          if (subscriptionId) redemption = await this.complete(redemption, { subscriptionId, endDate: null });
        }
        if (redemption.status !== 'ACCOUNT_CREATED' || Date.now() + ACCOUNT_POLL_MS > deadline) break;
        await sleep(ACCOUNT_POLL_MS);
      }
      if (redemption.status === 'PENDING' && redemption.usedFor === 'RENEWAL') {
        const result = await this.remote.extendSubscriptionTerm(as, redemption.subscriptionId!, redemption.termMonths, `redemption:${id}`);
        if (result.errors.length > 0) redemption = await this.fail(redemption, result.errors[0]!);
        else redemption = await this.complete(redemption, { subscriptionId: redemption.subscriptionId!, endDate: result.endDate ? new Date(result.endDate) : null });
      }
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError || error instanceof ServiceCallError)) throw error;
      // Left where it is: the resume job takes it up again.
      this.logger.warn({ err: error, redemptionId: id }, 'product-key redemption paused: a service is unavailable');
      await this.db.query(`UPDATE product_key_redemption SET attempts = attempts + 1 WHERE id = $1`, [id]);
      redemption = await this.db.getRepository(Redemption).findOneByOrFail({ id });
    }
    const errors: PayloadError[] =
      redemption.status === 'FAILED' ? [{ code: redemption.failureCode as ErrorCode, message: redemption.failureMessage ?? 'Failed', field: redemption.failureField }] : [];
    return { redemption, temporaryPassword, errors };
  }

  /** The resume job: every unfinished flow left alone for a minute (after a crash, or a service that was down). */
  async resumeUnfinished(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - RESUME_AFTER_MS);
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM product_key_redemption WHERE status = ANY($1) AND updated_at <= $2 ORDER BY updated_at LIMIT 100`,
      [UNFINISHED, before],
    );
    for (const { id } of rows) {
      try {
        await this.resume(id);
      } catch (error) {
        this.logger.error({ err: error, redemptionId: id }, 'product-key redemption could not be resumed');
      }
    }
    return rows.length;
  }

  /** A redemption of the viewer's partner. */
  async get(viewer: PartnerViewer, id: string): Promise<RedemptionRow | null> {
    if (!isUuid(id)) return null;
    return this.db.getRepository(Redemption).findOneBy({ id, partnerId: viewer.partnerId });
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
      if (key.state === 'REVOKED') return void problems.add('PRODUCT_KEY_REVOKED', `Key ${maskProductKey(key.lastFive)} was revoked`, at(i));
      if (isTaken(key)) return void problems.add('PRODUCT_KEY_ALREADY_REDEEMED', `Key ${maskProductKey(key.lastFive)} was already redeemed`, at(i));
      keys.push(key);
    });
    problems.throwIfAny();
    if (new Set(keys.map((k) => k.offerId)).size > 1) throw new DomainError('MIXED_OFFERS', 'All keys of a redemption must be of the same offer', field);
    return keys;
  }

  /** Inserts the flow's record; when the idempotency key is already taken (a concurrent retry), answers with that one. */
  private async insertOrReplay(manager: EntityManager, row: RedemptionRow): Promise<void> {
    const inserted = await manager.createQueryBuilder().insert().into(Redemption).values(row).orIgnore().returning(['id']).execute();
    if (inserted.raw.length === 0) throw new Replay();
  }

  private async reserve(manager: EntityManager, keys: ProductKeyRow[], redemptionId: string, now: Date): Promise<void> {
    await manager.query(`UPDATE product_key SET redemption_id = $1, updated_at = $2 WHERE id = ANY($3) AND redemption_id IS NULL AND state = 'AVAILABLE'`, [
      redemptionId,
      now,
      keys.map((k) => k.id),
    ]);
  }

  private async replay(viewer: PartnerViewer, usedFor: RedemptionRow['usedFor'], idempotencyKey: string, requestHash: string): Promise<RedemptionOutcome | null> {
    const existing = await this.db.getRepository(Redemption).findOneBy({ partnerId: viewer.partnerId, usedFor, idempotencyKey });
    if (!existing) return null;
    if (existing.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', 'idempotencyKey');
    }
    return this.resume(existing.id, { waitForAccountMs: this.inlineWaitMs });
  }

  /** A key found taken may have been taken by a concurrent request with this same idempotency key: then answer with its result. */
  private async orReplay<T>(viewer: PartnerViewer, usedFor: RedemptionRow['usedFor'], idempotencyKey: string, requestHash: string, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      const replayed = error instanceof DomainError ? await this.replay(viewer, usedFor, idempotencyKey, requestHash) : null;
      if (replayed) throw new Replayed(replayed);
      throw error;
    }
  }

  /** Moves the flow on from `from`; if another run moved it first, returns what that run recorded. */
  private async advance(redemption: RedemptionRow, from: RedemptionStatus, changes: Partial<RedemptionRow>): Promise<RedemptionRow> {
    await this.db.getRepository(Redemption).update({ id: redemption.id, status: from }, { ...changes, updatedAt: this.clock.now() });
    return this.db.getRepository(Redemption).findOneByOrFail({ id: redemption.id });
  }

  /** The subscription exists: the keys are redeemed, for good. */
  private async complete(redemption: RedemptionRow, result: { subscriptionId: string; endDate: Date | null }): Promise<RedemptionRow> {
    await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const updated = await manager
        .createQueryBuilder()
        .update(Redemption)
        .set({ status: 'COMPLETED', subscriptionId: result.subscriptionId, endDate: result.endDate, completedAt: now, updatedAt: now })
        .where('id = :id AND status IN (:...unfinished)', { id: redemption.id, unfinished: UNFINISHED })
        .returning(['id'])
        .execute();
      if (updated.raw.length === 0) return;
      await manager.query(
        `UPDATE product_key SET state = 'REDEEMED', used_for = $2, redeemed_at = $3, customer_id = $4, subscription_id = $5, updated_at = $3
         WHERE redemption_id = $1 AND state = 'AVAILABLE'`,
        [redemption.id, redemption.usedFor, now, redemption.customerId, result.subscriptionId],
      );
      await this.auditEnd(manager, redemption, { newValue: { status: 'COMPLETED', customerId: redemption.customerId, subscriptionId: result.subscriptionId, endDate: result.endDate } });
      await recordEvent(manager, this.clock, {
        type: 'product_key.redeemed',
        partnerId: redemption.partnerId,
        objectType: 'ProductKeyRedemption',
        objectId: redemption.id,
        // The keys themselves are secrets: only how many, for which offer and what they made.
        data: { usedFor: redemption.usedFor, offerId: redemption.offerId, keyCount: redemption.keyIds.length, seats: redemption.seats, termMonths: redemption.termMonths, customerId: redemption.customerId, subscriptionId: result.subscriptionId, endDate: result.endDate },
      });
    });
    return this.db.getRepository(Redemption).findOneByOrFail({ id: redemption.id });
  }

  /** The other subgraph refused for good: nothing was created, so the keys are released (compensation). */
  private async fail(redemption: RedemptionRow, error: PayloadError): Promise<RedemptionRow> {
    await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const updated = await manager
        .createQueryBuilder()
        .update(Redemption)
        .set({ status: 'FAILED', failureCode: error.code, failureMessage: error.message, failureField: error.field, completedAt: now, updatedAt: now })
        .where('id = :id AND status = :pending', { id: redemption.id, pending: 'PENDING' })
        .returning(['id'])
        .execute();
      if (updated.raw.length === 0) return;
      await manager.query(`UPDATE product_key SET redemption_id = NULL, updated_at = $2 WHERE redemption_id = $1 AND state = 'AVAILABLE'`, [redemption.id, now]);
      await this.auditEnd(manager, redemption, { newValue: { status: 'FAILED', failure: error }, outcome: 'FAILED' });
    });
    return this.db.getRepository(Redemption).findOneByOrFail({ id: redemption.id });
  }

  /** The audit record of a redemption's end, written by the request's viewer under the redemption's own request id. */
  private auditEnd(manager: EntityManager, redemption: RedemptionRow, end: { newValue: unknown; outcome?: string }): Promise<void> {
    return writeAudit(manager, { viewer: redemption.requestedBy, requestId: `redemption:${redemption.id}`, clock: this.clock }, {
      operation: redemption.usedFor === 'NEW_ACCOUNT' ? 'redeemProductKeys' : 'renewSubscriptionWithProductKey',
      resourceType: 'ProductKeyRedemption',
      resourceId: redemption.id,
      customerId: redemption.customerId,
      oldValue: { status: redemption.status },
      ...end,
    });
  }
}
