import { randomUUID } from 'node:crypto';
import type { DataSource, EntityTarget } from 'typeorm';
import {
  DomainError,
  normaliseEmail,
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
  type JobQueue,
  type Logger,
  type PayloadError,
} from '@partner-graph/platform';
import {
  OfferAcceptance,
  PurchaseOffer,
  TrialInvitation,
  type AccountRequest,
  type OfferAcceptanceRow,
  type PurchaseOfferRow,
  type TrialInvitationRow,
} from '../db/index.js';
import type { Catalogue } from './catalogue.js';
import type { CustomerAccountsClient, ProvisioningState } from './customer-accounts.js';
import { TRIAL_SEATS, type Actor, type Invitations } from './invitations.js';

export const ACCEPTANCE_QUEUE = 'offer-acceptance';
export const ACCEPTANCE_SWEEP_QUEUE = 'offer-acceptance-sweep';
/** The sweep leaves an acceptance this long to the request (or retry) that is driving it. */
export const SWEEP_AFTER_MS = 60_000;

export interface AcceptingCustomer {
  companyName: string;
  country: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone?: string | null;
  domainPrefix?: string | null;
}

/** An acceptance with what only the call that created the account may see. */
export interface AcceptanceView extends OfferAcceptanceRow {
  temporaryPassword: string | null;
  delegatedAdminTerminationUrl: string | null;
}

/** What a later call sees: the secrets were shown to the call that created the account. */
const SHOWN_ONCE = { temporaryPassword: null, delegatedAdminTerminationUrl: null };

type Source = { kind: 'trial'; invitation: TrialInvitationRow } | { kind: 'purchase'; invitation: PurchaseOfferRow };

/** The customer subgraph's field names are the accepting customer's, under `customer.` here. */
const CUSTOMER_FIELDS = new Set(['companyName', 'domainPrefix', 'country', 'addressLine1', 'city', 'postalCode', 'contactFirstName', 'contactLastName', 'contactEmail', 'contactPhone']);

const isUniqueViolation = (error: unknown): boolean => {
  const driver = error as { driverError?: { code?: string }; code?: string };
  return (driver.driverError?.code ?? driver.code) === '23505';
};

/**
 * Customer-side acceptance of trial invitations and purchase offers (SPEC §3.1, §4.3, §6).
 * Authorised by the URL code alone. The acceptance is recorded PENDING before the customer
 * subgraph creates the account with the idempotency key `acceptance:<id>`, and COMPLETED (with
 * the invitation's count) after: a retry with the same key, or `resumePending` after a crash,
 * finishes it and never makes a second account. A definitive refusal (e.g. DOMAIN_TAKEN)
 * removes the record again, since nothing was created.
 */
export class Acceptances {
  private queue: JobQueue | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly catalogue: Catalogue,
    private readonly invitations: Invitations,
    private readonly accounts: CustomerAccountsClient,
    private readonly logger: Logger,
  ) {}

  /** The job queue, when this process runs the workers. */
  attach(queue: JobQueue | null): void {
    this.queue = queue;
  }

  async acceptTrialInvitation(actor: Actor, code: string, customerInput: AcceptingCustomer, idempotencyKey: string | null | undefined): Promise<AcceptanceView> {
    const invitation = await this.byCode(TrialInvitation, code);
    const customer = normaliseCustomer(customerInput);
    const requestHash = sha256(JSON.stringify({ customer }));
    const replayed = await this.replay(actor, { trialInvitationId: invitation.id }, idempotencyKey, requestHash);
    if (replayed) return replayed;
    if (invitation.status === 'REVOKED') throw revoked();

    await this.sellable(invitation.partnerId, customer.country, [invitation.offerId]);
    return this.start(actor, { kind: 'trial', invitation }, idempotencyKey, requestHash, {
      ...customer,
      partnerId: invitation.partnerId,
      relationship: 'ADVISOR',
      includeDelegatedAdmin: invitation.includeDelegatedAdmin,
      subscriptions: [{ offerId: invitation.offerId, quantity: TRIAL_SEATS, channel: 'ADVISOR', isTrial: true }],
    });
  }

  async acceptPurchaseOffer(
    actor: Actor,
    code: string,
    customerInput: AcceptingCustomer,
    quantities: { offerId: string; quantity: number }[] | null | undefined,
    idempotencyKey: string | null | undefined,
  ): Promise<AcceptanceView> {
    const purchaseOffer = await this.byCode(PurchaseOffer, code);
    const customer = normaliseCustomer(customerInput);
    const lines = await this.invitations.linesOf([purchaseOffer.id]);

    // The customer's counts override the suggested ones, line by line.
    const problems = new Problems();
    const wanted = new Map<string, { quantity: number; index: number }>();
    (quantities ?? []).forEach((entry, index) => {
      if (!lines.some((line) => line.offerId === entry.offerId)) {
        problems.add('VALIDATION_FAILED', 'This offer is not part of the purchase offer', `quantities[${index}].offerId`);
      } else if (wanted.has(entry.offerId)) {
        problems.add('VALIDATION_FAILED', 'Each offer may appear only once', `quantities[${index}].offerId`);
      } else {
        wanted.set(entry.offerId, { quantity: entry.quantity, index });
      }
    });
    problems.throwIfAny();
    const chosen = lines.map((line) => {
      const override = wanted.get(line.offerId);
      return {
        offerId: line.offerId,
        quantity: override?.quantity ?? line.quantity,
        field: override ? `quantities[${override.index}].quantity` : `lines[${line.position}].quantity`,
      };
    });
    const requestHash = sha256(JSON.stringify({ customer, quantities: chosen.map(({ offerId, quantity }) => ({ offerId, quantity })) }));
    const replayed = await this.replay(actor, { purchaseOfferId: purchaseOffer.id }, idempotencyKey, requestHash);
    if (replayed) return replayed;
    if (purchaseOffer.status === 'REVOKED') throw revoked();

    const offers = await this.sellable(purchaseOffer.partnerId, customer.country, chosen.map((line) => line.offerId));
    chosen.forEach((line, index) => {
      const offer = offers[index]!;
      const min = offer.minQuantity ?? 1;
      const max = offer.maxQuantity ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isInteger(line.quantity) || line.quantity < min || line.quantity > max) {
        problems.add('QUANTITY_OUT_OF_RANGE', `${offer.name ?? 'This offer'} needs between ${min} and ${max} licences`, line.field);
      }
    });
    problems.throwIfAny();
    return this.start(actor, { kind: 'purchase', invitation: purchaseOffer }, idempotencyKey, requestHash, {
      ...customer,
      partnerId: purchaseOffer.partnerId,
      relationship: 'ADVISOR',
      includeDelegatedAdmin: purchaseOffer.includeDelegatedAdmin,
      subscriptions: chosen.map((line) => ({ offerId: line.offerId, quantity: line.quantity, channel: 'ADVISOR', isTrial: false })),
    });
  }

  /**
   * Creates the account of a PENDING acceptance (again: the customer subgraph returns the first
   * result for the same key) and marks it COMPLETED. When the customer subgraph cannot answer,
   * the acceptance stays PENDING with the reason; null when it no longer exists.
   */
  async complete(id: string, as: CallContext): Promise<AcceptanceView | null> {
    const row = await this.db.getRepository(OfferAcceptance).findOneBy({ id });
    if (!row) return null;
    if (row.status === 'COMPLETED') return { ...row, ...SHOWN_ONCE };

    let created;
    try {
      created = await this.accounts.create(as, row.accountRequest, `acceptance:${row.id}`);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError || error instanceof ServiceCallError)) throw error;
      this.logger.warn({ err: error, acceptanceId: id }, 'customer account of an acceptance not created yet');
      await this.db.query(`UPDATE offer_acceptance SET attempts = attempts + 1, last_error = $2, updated_at = $3 WHERE id = $1 AND status = 'PENDING'`, [
        id,
        error.message,
        this.clock.now(),
      ]);
      const after = await this.db.getRepository(OfferAcceptance).findOneBy({ id });
      return after ? { ...after, ...SHOWN_ONCE } : null;
    }

    if (!created.ok) {
      // Refused for good: nothing was created on the customer side, so the acceptance goes too.
      await this.db.transaction(async (manager) => {
        const deleted: unknown[] = await manager.query(`DELETE FROM offer_acceptance WHERE id = $1 AND status = 'PENDING' RETURNING id`, [id]);
        if (deleted.length === 0) return;
        await writeAudit(manager, { ...as, clock: this.clock }, {
          partnerId: row.partnerId,
          operation: row.trialInvitationId ? 'acceptTrialInvitation' : 'acceptPurchaseOffer',
          resourceType: 'OfferAcceptance',
          resourceId: id,
          oldValue: { status: 'PENDING' },
          newValue: { errors: created.errors },
          outcome: 'FAILURE',
        });
      });
      throw DomainError.of(created.errors.map(asCustomerField));
    }

    await this.db.transaction(async (manager) => {
      const now = this.clock.now();
      const updated: unknown[] = await manager.query(
        `UPDATE offer_acceptance SET status = 'COMPLETED', customer_id = $2, admin_user_id = $3, admin_user_name = $4,
           attempts = attempts + 1, last_error = NULL, updated_at = $5, completed_at = $5
         WHERE id = $1 AND status = 'PENDING' RETURNING id`,
        [id, created.customerId, created.adminUserId, created.adminUserName, now],
      );
      // A concurrent retry completed it first: count it once.
      if (updated.length === 0) return;
      const [table, sourceId] = row.trialInvitationId ? ['trial_invitation', row.trialInvitationId] : ['purchase_offer', row.purchaseOfferId];
      await manager.query(`UPDATE ${table} SET acceptance_count = acceptance_count + 1 WHERE id = $1`, [sourceId]);
      await writeAudit(manager, { ...as, clock: this.clock }, {
        partnerId: row.partnerId,
        operation: row.trialInvitationId ? 'acceptTrialInvitation' : 'acceptPurchaseOffer',
        resourceType: 'OfferAcceptance',
        resourceId: id,
        customerId: created.customerId,
        oldValue: { status: 'PENDING' },
        newValue: { status: 'COMPLETED', customerId: created.customerId, adminUserName: created.adminUserName },
      });
      await recordEvent(manager, this.clock, {
        type: row.trialInvitationId ? 'trial_invitation.accepted' : 'purchase_offer.accepted',
        partnerId: row.partnerId,
        objectType: row.trialInvitationId ? 'TrialInvitation' : 'PurchaseOffer',
        objectId: (row.trialInvitationId ?? row.purchaseOfferId)!,
        data: { acceptanceId: id, customerId: created.customerId, companyName: row.accountRequest.companyName, country: row.accountRequest.country, includeDelegatedAdmin: row.accountRequest.includeDelegatedAdmin, subscriptions: row.accountRequest.subscriptions },
      });
    });
    const after = await this.db.getRepository(OfferAcceptance).findOneByOrFail({ id });
    return { ...after, temporaryPassword: created.temporaryPassword, delegatedAdminTerminationUrl: created.delegatedAdminTerminationUrl };
  }

  /**
   * Finishes acceptances left PENDING (a crash, or the customer subgraph was down): what the
   * sweep job runs, and what an operator or a test can call. Returns how many are still pending.
   */
  async resumePending(options: { olderThanMs?: number; limit?: number } = {}): Promise<{ completed: number; refused: number; pending: number }> {
    const before = new Date(this.clock.now().getTime() - (options.olderThanMs ?? 0));
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM offer_acceptance WHERE status = 'PENDING' AND updated_at <= $1 ORDER BY created_at LIMIT $2`,
      [before, options.limit ?? 100],
    );
    const outcome = { completed: 0, refused: 0, pending: 0 };
    for (const { id } of rows) {
      try {
        const result = await this.complete(id, { viewer: { kind: 'system' }, requestId: `resume-acceptance:${id}` });
        if (result?.status === 'COMPLETED') outcome.completed++;
        else if (result) outcome.pending++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.logger.warn({ acceptanceId: id, errors: error.errors }, 'pending acceptance refused by the customer service');
        outcome.refused++;
      }
    }
    return outcome;
  }

  /** The account's provisioning state, from the customer subgraph; null when it cannot say now. */
  async provisioningState(row: OfferAcceptanceRow): Promise<ProvisioningState | null> {
    if (row.status === 'PENDING' || !row.customerId) return 'PROVISIONING';
    try {
      const states = await this.accounts.provisioningStates({ viewer: { kind: 'system' }, requestId: `acceptance:${row.id}` }, row.partnerId, [row.customerId]);
      return states.get(row.customerId) ?? null;
    } catch (error) {
      if (error instanceof ServiceUnavailableError || error instanceof ServiceCallError) return null;
      throw error;
    }
  }

  /** Unknown code: INVALID_CODE, saying nothing about any partner. */
  private async byCode<T extends TrialInvitationRow | PurchaseOfferRow>(entity: EntityTarget<T>, code: string): Promise<T> {
    const value = code.trim();
    const found = value.length >= 32 && value.length <= 128 ? await this.db.getRepository(entity).findOneBy({ code: value } as never) : null;
    if (!found) throw new DomainError('INVALID_CODE', 'This link is not valid', 'code');
    return found;
  }

  /** The offers, each sold by the partner in the customer's country, in order. */
  private async sellable(partnerId: string, country: string, offerIds: string[]) {
    const anywhere = await this.catalogue.availability(partnerId, null, offerIds);
    const here = await this.catalogue.availability(partnerId, country, offerIds);
    if (anywhere.some((offer) => !offer.available)) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is no longer available', 'code');
    const missing = here.find((offer) => !offer.available);
    if (missing) {
      const name = anywhere.find((offer) => offer.offerId === missing.offerId)?.name ?? 'This offer';
      throw new DomainError('COUNTRY_NOT_SUPPORTED', `${name} is not sold in ${country}`, 'customer.country');
    }
    return here;
  }

  /** With an idempotency key already used on this invitation: its acceptance (finished now if still PENDING). */
  private async replay(
    actor: Actor,
    source: { trialInvitationId: string } | { purchaseOfferId: string },
    idempotencyKey: string | null | undefined,
    requestHash: string,
  ): Promise<AcceptanceView | null> {
    if (idempotencyKey == null) return null;
    if (!idempotencyKey.trim() || idempotencyKey.length > 200) throw new DomainError('VALIDATION_FAILED', 'idempotencyKey: 1 to 200 characters', 'idempotencyKey');
    const row = await this.db.getRepository(OfferAcceptance).findOneBy({ ...source, idempotencyKey });
    if (!row) return null;
    if (row.requestHash !== requestHash) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', 'idempotencyKey');
    if (row.status === 'COMPLETED') return { ...row, ...SHOWN_ONCE };
    return this.drive(row.id, actor);
  }

  private async start(actor: Actor, source: Source, idempotencyKey: string | null | undefined, requestHash: string, request: AccountRequest): Promise<AcceptanceView> {
    const now = this.clock.now();
    const row: OfferAcceptanceRow = {
      id: randomUUID(),
      partnerId: source.invitation.partnerId,
      trialInvitationId: source.kind === 'trial' ? source.invitation.id : null,
      purchaseOfferId: source.kind === 'purchase' ? source.invitation.id : null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      accountRequest: request,
      status: 'PENDING',
      customerId: null,
      adminUserId: null,
      adminUserName: null,
      attempts: 0,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    try {
      await this.db.transaction(async (manager) => {
        await manager.insert(OfferAcceptance, row);
        await writeAudit(manager, { ...actor, clock: this.clock }, {
          partnerId: source.invitation.partnerId,
          operation: source.kind === 'trial' ? 'acceptTrialInvitation' : 'acceptPurchaseOffer',
          resourceType: 'OfferAcceptance',
          resourceId: row.id,
          newValue: {
            status: 'PENDING',
            [source.kind === 'trial' ? 'trialInvitationId' : 'purchaseOfferId']: source.invitation.id,
            companyName: request.companyName,
            country: request.country,
            includeDelegatedAdmin: request.includeDelegatedAdmin,
            subscriptions: request.subscriptions,
          },
        });
      });
    } catch (error) {
      // A concurrent request with the same key got there first: answer with its acceptance.
      if (isUniqueViolation(error) && idempotencyKey) {
        const where = source.kind === 'trial' ? { trialInvitationId: source.invitation.id } : { purchaseOfferId: source.invitation.id };
        const replayed = await this.replay(actor, where, idempotencyKey, requestHash);
        if (replayed) return replayed;
      }
      throw error;
    }
    return this.drive(row.id, actor);
  }

  /** complete(), then, if the customer service could not answer, a job to try again soon. */
  private async drive(id: string, actor: Actor): Promise<AcceptanceView> {
    const result = await this.complete(id, { viewer: actor.viewer, requestId: actor.requestId });
    if (!result) throw new DomainError('INVALID_CODE', 'This acceptance could not be completed; please try again', 'code');
    if (result.status === 'PENDING' && this.queue) {
      await this.queue.send(ACCEPTANCE_QUEUE, { acceptanceId: id }, { singletonKey: id, startAfterSeconds: 10 }).catch((error: unknown) => {
        // The sweep finds it anyway.
        this.logger.warn({ err: error, acceptanceId: id }, 'could not enqueue an acceptance');
      });
    }
    return result;
  }
}

function revoked(): DomainError {
  return new DomainError('REVOKED', 'This link has been withdrawn', 'code');
}

function asCustomerField(error: PayloadError): PayloadError {
  return error.field && CUSTOMER_FIELDS.has(error.field) ? { ...error, field: `customer.${error.field}` } : error;
}

/** A customer accepting a link names its company, its address and a contact (the phone and the domain may be left to defaults). */
const ACCEPTING_CUSTOMER: CustomerAccountRules = { role: 'contact', address: 'required', phone: 'optional', domainPrefix: 'optional' };

/** Trimmed, with every problem listed under `customer.<field>`; optional fields left out when empty. */
function normaliseCustomer(input: AcceptingCustomer): Omit<AccountRequest, 'partnerId' | 'relationship' | 'includeDelegatedAdmin' | 'subscriptions'> {
  const problems = new Problems();
  const account = readCustomerAccount(input, ACCEPTING_CUSTOMER, problems, 'customer.');
  const { companyName, country, domainPrefix } = account;
  const contactPhone = account.person.phone;
  problems.throwIfAny();
  return {
    companyName,
    country,
    addressLine1: account.addressLine1 ?? '',
    city: account.city ?? '',
    postalCode: account.postalCode?.toUpperCase() ?? '',
    contactFirstName: account.person.firstName,
    contactLastName: account.person.lastName,
    contactEmail: normaliseEmail(account.person.email),
    ...(contactPhone ? { contactPhone } : {}),
    ...(domainPrefix ? { domainPrefix } : {}),
  };
}
