import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import {
  AcceptedAccountsDocument,
  CreateCustomerAccountDocument,
  delegatedAdminTerminationUrl,
  DomainError,
  FlowFailed,
  FlowRefused,
  refuseOnErrors,
  generateCode,
  generateTemporaryPassword,
  hashPassword,
  isUuid,
  recordEvent,
  ServiceCallError,
  ServiceUnavailableError,
  sha256,
  writeAudit,
  type AcceptedAccountsQuery,
  type Clock,
  type FlowDefinition,
  type FlowRun,
  type Flows,
  type PayloadError,
  type ServiceClient,
  type Actor,
} from '@partner-graph/platform';
import {
  PurchaseOffer,
  type AcceptanceStore,
  type InvitationStore,
  TrialInvitation,
  type AcceptanceSource,
  type AccountRequest,
  type OfferAcceptanceRow,
  type PurchaseOfferRow,
  type TrialInvitationRow,
} from '../db/index.js';
import type { Catalogue } from './catalogue.js';
import type { Invitations } from './invitations.js';
import {
  acceptable,
  acceptingCustomer,
  checkChosenQuantities,
  checkIdempotencyKey,
  chosenLines,
  completedAcceptance,
  failedAcceptance,
  invitationCode,
  newAcceptance,
  sameAcceptanceRequest,
  soldIn,
  TRIAL_SEATS,
  type AcceptedCustomer,
  type AcceptingCustomer,
} from './rules.js';

export type { AcceptingCustomer } from './rules.js';

/** An acceptance with what only the call that started it may see. */
export interface AcceptanceView extends OfferAcceptanceRow {
  temporaryPassword: string | null;
  delegatedAdminTerminationUrl: string | null;
}

/** What a later call sees: the secrets were shown to the call that started the acceptance. */
const SHOWN_ONCE = { temporaryPassword: null, delegatedAdminTerminationUrl: null };

/**
 * What the flow of an acceptance carries besides its row: the secrets the new account needs,
 * hashed (the mutation that started it showed them to the customer, once).
 */
interface AcceptanceFlowInput {
  adminPasswordHash: string | null;
  delegatedAdminTerminationCodeHash: string | null;
}

/** The account the customer subgraph made: the flow's one step. */
interface AccountStep {
  customerId: string;
  adminUserId: string | null;
  adminUserName: string | null;
}

/** The account an acceptance made, as the customer subgraph says it stands now. */
export type AcceptedAccount = AcceptedAccountsQuery['customerAccess'][number];

const sourceOf = (acceptance: OfferAcceptanceRow): AcceptanceSource =>
  acceptance.trialInvitationId ? { trialInvitationId: acceptance.trialInvitationId } : { purchaseOfferId: acceptance.purchaseOfferId! };

const operationOf = (acceptance: OfferAcceptanceRow) => (acceptance.trialInvitationId ? 'acceptTrialInvitation' : 'acceptPurchaseOffer');

/**
 * Customer-side acceptance of trial invitations and purchase offers, as a
 * durable flow (the platform's `Flows`), authorised by the URL code alone. The mutation records
 * the acceptance PENDING with its flow in one transaction and answers at once, with the
 * administrator's temporary password and (with delegated administration) the customer's link to
 * end it, both made here and handed to the flow only hashed. The flow's job then asks the
 * customer subgraph for the account with the idempotency key `acceptance:<id>`: COMPLETED (and
 * counted on the invitation) once it exists, FAILED when refused for good (e.g. DOMAIN_TAKEN).
 * The customer follows `offerAcceptance(code, id)`.
 */
export class Acceptances {
  private readonly flow: FlowDefinition<AcceptanceFlowInput>;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly catalogue: Catalogue,
    private readonly invitations: Invitations,
    private readonly serviceClient: ServiceClient,
    private readonly flows: Flows,
    private readonly publicAcceptUrl: string,
    private readonly store: AcceptanceStore,
    private readonly invitationStore: InvitationStore,
  ) {
    this.flow = flows.define<AcceptanceFlowInput>({
      kind: 'offer-acceptance',
      run: (run) => this.steps(run),
      succeeded: (manager, flow) => this.completed(manager, flow.id, flow.steps.account as AccountStep),
      failure: () => ({ reason: 'The customer service is unavailable; the acceptance will be resumed', final: false }),
      // The customer subgraph refused the account for good (e.g. DOMAIN_TAKEN).
      failed: async (manager, flow, failure, error) => {
        if (failure.final && error instanceof FlowRefused) await this.refused(manager, flow.id, error.error);
      },
    });
  }

  async acceptTrialInvitation(
    actor: Actor,
    code: string,
    customerInput: AcceptingCustomer,
    idempotencyKey: string | null | undefined,
  ): Promise<AcceptanceView> {
    checkIdempotencyKey(idempotencyKey);
    const invitation = await this.byCode(TrialInvitation, code);
    const customer = acceptingCustomer(customerInput);
    const requestHash = sha256(JSON.stringify({ customer }));
    const replayed = await this.replay({ trialInvitationId: invitation.id }, idempotencyKey, requestHash);
    if (replayed) return replayed;
    acceptable(invitation, invitation.acceptanceCount);
    await this.sellable(invitation.partnerId, customer.country, [invitation.offerId]);
    return this.start(actor, TrialInvitation, invitation, { trialInvitationId: invitation.id }, idempotencyKey, requestHash, customer, [
      { offerId: invitation.offerId, quantity: TRIAL_SEATS, channel: 'ADVISOR', isTrial: true },
    ]);
  }

  async acceptPurchaseOffer(
    actor: Actor,
    code: string,
    customerInput: AcceptingCustomer,
    quantities: { offerId: string; quantity: number }[] | null | undefined,
    idempotencyKey: string | null | undefined,
  ): Promise<AcceptanceView> {
    checkIdempotencyKey(idempotencyKey);
    const purchaseOffer = await this.byCode(PurchaseOffer, code);
    const customer = acceptingCustomer(customerInput);
    const chosen = chosenLines(await this.invitations.linesOf([purchaseOffer.id]), quantities);
    const requestHash = sha256(JSON.stringify({ customer, quantities: chosen.map(({ offerId, quantity }) => ({ offerId, quantity })) }));
    const replayed = await this.replay({ purchaseOfferId: purchaseOffer.id }, idempotencyKey, requestHash);
    if (replayed) return replayed;
    acceptable(purchaseOffer, purchaseOffer.acceptanceCount);
    checkChosenQuantities(
      chosen,
      await this.sellable(
        purchaseOffer.partnerId,
        customer.country,
        chosen.map((line) => line.offerId),
      ),
    );
    return this.start(
      actor,
      PurchaseOffer,
      purchaseOffer,
      { purchaseOfferId: purchaseOffer.id },
      idempotencyKey,
      requestHash,
      customer,
      chosen.map((line) => ({ offerId: line.offerId, quantity: line.quantity, channel: 'ADVISOR', isTrial: false })),
    );
  }

  /** Customer side, unauthenticated: an acceptance as it stands, to whoever has both its id and its link's code; null otherwise. */
  async get(code: string, id: string): Promise<AcceptanceView | null> {
    const value = invitationCode(code);
    if (value === null || !isUuid(id)) return null;
    const acceptance = await this.store.byIdAndCode(id, value);
    return acceptance && { ...acceptance, ...SHOWN_ONCE };
  }

  /** Runs the acceptance's flow now (what its job does); returns the acceptance as it then stands. */
  async resume(id: string): Promise<OfferAcceptanceRow> {
    try {
      await this.flows.run(id);
    } catch (error) {
      // Recorded in the flow (and, when final, in the acceptance); the job would try again.
      if (!(error instanceof FlowFailed)) throw error;
    }
    return this.store.get(id);
  }

  /**
   * The accounts of these acceptances, as they stand (one call per partner): null for one
   * without an account (PENDING, FAILED), or when the customer service cannot say right now.
   */
  async accountsOf(acceptances: readonly OfferAcceptanceRow[]): Promise<(AcceptedAccount | null)[]> {
    const byPartner = new Map<string, string[]>();
    for (const { partnerId, customerId } of acceptances) {
      if (customerId) byPartner.set(partnerId, [...(byPartner.get(partnerId) ?? []), customerId]);
    }
    const found = new Map<string, AcceptedAccount>();
    await Promise.all(
      [...byPartner].map(async ([partnerId, customerIds]) => {
        try {
          const as: Actor = { viewer: { kind: 'system' }, requestId: `acceptances:${partnerId}` };
          const data = await this.serviceClient.call('customer', AcceptedAccountsDocument, { partnerId, customerIds }, as);
          for (const account of data.customerAccess) found.set(`${partnerId}:${account.customerId}`, account);
        } catch (error) {
          if (!(error instanceof ServiceUnavailableError || error instanceof ServiceCallError)) throw error;
        }
      }),
    );
    return acceptances.map(({ partnerId, customerId }) => (customerId ? (found.get(`${partnerId}:${customerId}`) ?? null) : null));
  }

  /** The flow's one step: the account, from the customer subgraph (the same request on every run). */
  private async steps({ flow, step }: FlowRun<AcceptanceFlowInput>): Promise<void> {
    const acceptance = await this.store.get(flow.id);
    await step('account', async (): Promise<AccountStep> => {
      const { adminPasswordHash, delegatedAdminTerminationCodeHash } = flow.input;
      // A flow started before the secrets were handed over sends the request it sent then.
      const input = {
        ...acceptance.accountRequest,
        ...(adminPasswordHash ? { adminPasswordHash } : {}),
        ...(delegatedAdminTerminationCodeHash ? { delegatedAdminTerminationCodeHash } : {}),
      };
      const as: Actor = { viewer: { kind: 'system' }, requestId: `acceptance:${flow.id}` };
      // The key is `acceptance:<id>`, as before the flows: a call made before an upgrade is answered the same.
      const data = await this.serviceClient.call(
        'customer',
        CreateCustomerAccountDocument,
        { input, idempotencyKey: `acceptance:${flow.id}` },
        as,
      );
      const result = refuseOnErrors(data.createCustomerAccount, { produces: 'customerId', missing: 'The account was not created' });
      return { customerId: result.customerId, adminUserId: result.adminUserId, adminUserName: result.adminUserName };
    });
  }

  /** Unknown code: INVALID_CODE, saying nothing about any partner. */
  private async byCode<T extends TrialInvitationRow | PurchaseOfferRow>(entity: EntityTarget<T>, code: string): Promise<T> {
    const value = invitationCode(code);
    const found = value === null ? null : await this.invitationStore.byCode(entity, value);
    if (!found) throw new DomainError('INVALID_CODE', 'This link is not valid', 'code');
    return found;
  }

  /** The offers, each sold by the partner in the customer's country, in order. */
  private async sellable(partnerId: string, country: string, offerIds: string[]) {
    const [anywhere, here] = await Promise.all([
      this.catalogue.availability(partnerId, null, offerIds),
      this.catalogue.availability(partnerId, country, offerIds),
    ]);
    return soldIn(country, anywhere, here);
  }

  /** With an idempotency key already used on this invitation: its acceptance as it stands. */
  private async replay(
    source: AcceptanceSource,
    idempotencyKey: string | null | undefined,
    requestHash: string,
  ): Promise<AcceptanceView | null> {
    if (idempotencyKey == null) return null;
    const recorded = await this.store.byIdempotencyKey(source, idempotencyKey);
    return recorded && { ...sameAcceptanceRequest(recorded, requestHash), ...SHOWN_ONCE };
  }

  /**
   * Records the acceptance PENDING and its flow in one transaction (the flow runs once it
   * commits) and answers at once, with the secrets the flow only gets hashed. The link is locked
   * meanwhile, so concurrent acceptances of a capped link never take more places than it has.
   */
  private async start<T extends TrialInvitationRow | PurchaseOfferRow>(
    actor: Actor,
    entity: EntityTarget<T>,
    invitation: T,
    where: AcceptanceSource,
    idempotencyKey: string | null | undefined,
    requestHash: string,
    customer: AcceptedCustomer,
    subscriptions: AccountRequest['subscriptions'],
  ): Promise<AcceptanceView> {
    const request: AccountRequest = {
      ...customer,
      partnerId: invitation.partnerId,
      relationship: 'ADVISOR',
      includeDelegatedAdmin: invitation.includeDelegatedAdmin,
      subscriptions,
    };
    const acceptance = newAcceptance(
      {
        id: randomUUID(),
        partnerId: invitation.partnerId,
        trialInvitationId: null,
        purchaseOfferId: null,
        ...where,
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        accountRequest: request,
      },
      this.clock.now(),
    );
    const temporaryPassword = generateTemporaryPassword();
    const terminationCode = invitation.includeDelegatedAdmin ? generateCode() : null;
    const input: AcceptanceFlowInput = {
      adminPasswordHash: await hashPassword(temporaryPassword),
      delegatedAdminTerminationCodeHash: terminationCode && sha256(terminationCode),
    };
    const started = await this.db.transaction(async (manager) => {
      acceptable(await this.invitationStore.lock(manager, entity, invitation.id), await this.store.takenCount(where, manager));
      if (!(await this.store.insertUnlessReplayed(acceptance, manager))) return false;
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          partnerId: invitation.partnerId,
          operation: operationOf(acceptance),
          resourceType: 'OfferAcceptance',
          resourceId: acceptance.id,
          newValue: {
            status: 'PENDING',
            ...where,
            companyName: request.companyName,
            country: request.country,
            includeDelegatedAdmin: request.includeDelegatedAdmin,
            subscriptions: request.subscriptions,
          },
        },
      );
      await this.flows.start(manager, this.flow, acceptance.id, input);
      return true;
    });
    // A concurrent request with the same idempotency key recorded it first: answer with its acceptance.
    if (!started) return (await this.replay(where, idempotencyKey, requestHash))!;
    return {
      ...acceptance,
      temporaryPassword,
      delegatedAdminTerminationUrl: terminationCode && delegatedAdminTerminationUrl(this.publicAcceptUrl, terminationCode),
    };
  }

  /** The account exists (in the transaction that ends the flow): COMPLETED, counted on its invitation, audited and announced. */
  private async completed(manager: EntityManager, id: string, account: AccountStep): Promise<void> {
    const before = await this.store.lock(manager, id);
    if (before?.status !== 'PENDING') return;
    const after = completedAcceptance(before, account, this.clock.now());
    await this.store.save(after, manager);
    const source = sourceOf(after);
    await this.invitationStore.countAcceptance(source, manager);
    await writeAudit(
      manager,
      { viewer: { kind: 'system' }, requestId: `acceptance:${id}`, clock: this.clock },
      {
        partnerId: after.partnerId,
        operation: operationOf(after),
        resourceType: 'OfferAcceptance',
        resourceId: id,
        customerId: account.customerId,
        oldValue: { status: before.status },
        newValue: { status: after.status, customerId: account.customerId, adminUserName: account.adminUserName },
      },
    );
    const request = after.accountRequest;
    await recordEvent(manager, this.clock, {
      type: 'trialInvitationId' in source ? 'trial_invitation.accepted' : 'purchase_offer.accepted',
      partnerId: after.partnerId,
      objectType: 'trialInvitationId' in source ? 'TrialInvitation' : 'PurchaseOffer',
      objectId: 'trialInvitationId' in source ? source.trialInvitationId : source.purchaseOfferId,
      data: {
        acceptanceId: id,
        customerId: account.customerId,
        companyName: request.companyName,
        country: request.country,
        includeDelegatedAdmin: request.includeDelegatedAdmin,
        subscriptions: request.subscriptions,
      },
    });
  }

  /** Refused for good (in the transaction that ends the flow): nothing was created, so the acceptance is FAILED with the reason, and audited. */
  private async refused(manager: EntityManager, id: string, refusal: PayloadError): Promise<void> {
    const before = await this.store.lock(manager, id);
    if (before?.status !== 'PENDING') return;
    const after = failedAcceptance(before, refusal, this.clock.now());
    await this.store.save(after, manager);
    await writeAudit(
      manager,
      { viewer: { kind: 'system' }, requestId: `acceptance:${id}`, clock: this.clock },
      {
        partnerId: after.partnerId,
        operation: operationOf(after),
        resourceType: 'OfferAcceptance',
        resourceId: id,
        oldValue: { status: before.status },
        newValue: { status: after.status, failure: refusal },
        outcome: 'FAILURE',
      },
    );
  }
}
