import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import {
  authorize,
  decodeCursor,
  DomainError,
  generateCode,
  idempotent,
  isUuid,
  notFound,
  pageSize,
  Problems,
  toConnection,
  writeAudit,
  type AccessRule,
  type Clock,
  type Connection,
  type PartnerContact,
  type PartnerViewer,
  type Viewer,
} from '@partner-graph/platform';
import {
  PurchaseOffer,
  PurchaseOfferLine,
  TrialInvitation,
  type PurchaseOfferLineRow,
  type PurchaseOfferRow,
  type TrialInvitationRow,
} from '../db/index.js';
import type { OfferRow } from '../db/index.js';
import type { Catalogue } from './catalogue.js';

/** SPEC §4.3: a trial is 25 licences (for the offer's 30 days, counted by the subscription subgraph). */
export const TRIAL_SEATS = 25;

export interface Actor {
  viewer: Viewer;
  requestId: string;
}

/** SPEC §3.3: trial invitations and purchase offers. */
const ADVISOR: AccessRule = { programs: ['SUBSCRIPTION_ADVISOR'], customerAccess: ['FULL', 'LIMITED'] };
/** Offering delegated administration with them also needs these programs. */
const ADVISOR_WITH_DELEGATED_ADMIN: AccessRule = { ...ADVISOR, programs: ['SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'] };

export const MAX_PURCHASE_OFFER_LINES = 20;

/** Looks up a partner's advisor code (owned by the partner subgraph). */
export type AdvisorCodes = (partnerId: string, actor: Actor) => Promise<string>;

/** Looks up the name and contact a partner shows its prospective customers (owned by the partner subgraph). */
export type PartnerContacts = (partnerId: string, requestId: string) => Promise<InvitingPartner | null>;

/** What a customer-facing page shows of the inviting partner (the partner subgraph's contact). */
export type InvitingPartner = PartnerContact;

export interface InvitationPreviewLine {
  offerId: string;
  name: string;
  description: string;
  quantity: number;
  minQuantity: number;
  maxQuantity: number;
  unitPrice: number;
  currency: string;
  billingCycle: OfferRow['billingCycle'];
  term: OfferRow['term'];
  isTrial: boolean;
  trialDays: number | null;
  countries: string[];
}

/** What an invitation's link shows an unauthenticated visitor: nothing unless it can be accepted. */
export interface InvitationPreview {
  status: 'ACTIVE' | 'REVOKED' | 'NOT_FOUND';
  partner: InvitingPartner | null;
  lines: InvitationPreviewLine[];
  includeDelegatedAdmin: boolean;
}

const nothing = (status: 'REVOKED' | 'NOT_FOUND'): InvitationPreview => ({ status, partner: null, lines: [], includeDelegatedAdmin: false });

type Invitation = TrialInvitationRow | PurchaseOfferRow;

/**
 * Trial invitations and purchase offers: reusable URLs a subscription advisor sends to prospective
 * customers. The URL code is stored in clear because the partner must be able to copy the URL again
 * (like the advisor code, it is meant to be handed out); it is 256 random bits and revocable.
 */
export class Invitations {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly catalogue: Catalogue,
    private readonly advisorCodes: AdvisorCodes,
    private readonly publicAcceptUrl: string,
    private readonly partnerContacts: PartnerContacts,
  ) {}

  /** Customer side, unauthenticated: what a trial invitation's link offers. */
  async trialInvitationPreview(code: string, requestId: string): Promise<InvitationPreview> {
    const invitation = await this.findByCode(TrialInvitation, code);
    if (!invitation || invitation.status !== 'ACTIVE') return nothing(invitation ? 'REVOKED' : 'NOT_FOUND');
    return this.preview(invitation, [{ offerId: invitation.offerId, quantity: TRIAL_SEATS }], requestId);
  }

  /** Customer side, unauthenticated: what a purchase offer's link offers. */
  async purchaseOfferPreview(code: string, requestId: string): Promise<InvitationPreview> {
    const purchaseOffer = await this.findByCode(PurchaseOffer, code);
    if (!purchaseOffer || purchaseOffer.status !== 'ACTIVE') return nothing(purchaseOffer ? 'REVOKED' : 'NOT_FOUND');
    return this.preview(purchaseOffer, await this.linesOf([purchaseOffer.id]), requestId);
  }

  private async findByCode<T extends Invitation>(entity: EntityTarget<T>, code: string): Promise<T | null> {
    const value = code.trim();
    // Codes are 43+ characters; anything else cannot match, so it costs no query.
    if (value.length < 32 || value.length > 128) return null;
    return this.db.getRepository(entity).findOneBy({ code: value } as FindOptionsWhere<T>);
  }

  private async preview(invitation: Invitation, wanted: { offerId: string; quantity: number }[], requestId: string): Promise<InvitationPreview> {
    const [offers, partner] = await Promise.all([
      this.catalogue.visibleByIds(invitation.partnerId, wanted.map((line) => line.offerId)),
      this.partnerContacts(invitation.partnerId, requestId),
    ]);
    const byId = new Map(offers.map((offer) => [offer.id, offer]));
    // An offer the partner may no longer sell is left out: accepting would answer OFFER_NOT_AVAILABLE.
    const lines = wanted.flatMap(({ offerId, quantity }) => {
      const offer = byId.get(offerId);
      if (!offer) return [];
      const fixed = offer.isTrial ? TRIAL_SEATS : null;
      return [{
        offerId,
        name: offer.name,
        description: offer.description,
        quantity,
        minQuantity: fixed ?? offer.minQuantity,
        maxQuantity: fixed ?? offer.maxQuantity,
        unitPrice: offer.isTrial ? 0 : Number(offer.unitPrice),
        currency: offer.currency,
        billingCycle: offer.billingCycle,
        term: offer.term,
        isTrial: offer.isTrial,
        trialDays: offer.trialDays,
        countries: offer.countries,
      }];
    });
    return { status: 'ACTIVE', partner, lines, includeDelegatedAdmin: invitation.includeDelegatedAdmin };
  }

  trialInvitationUrl(row: TrialInvitationRow): string {
    return `${this.publicAcceptUrl}/trial/${encodeURIComponent(row.advisorCode)}/${row.code}`;
  }

  purchaseOfferUrl(row: PurchaseOfferRow): string {
    return `${this.publicAcceptUrl}/purchase/${encodeURIComponent(row.advisorCode)}/${row.code}`;
  }

  async createTrialInvitation(
    actor: Actor,
    input: { offerId: string; includeDelegatedAdmin: boolean },
    idempotencyKey: string | null | undefined,
  ): Promise<TrialInvitationRow> {
    const viewer = authorize(actor.viewer, input.includeDelegatedAdmin ? ADVISOR_WITH_DELEGATED_ADMIN : ADVISOR);
    const [offer] = await this.catalogue.visibleByIds(viewer.partnerId, [input.offerId]);
    if (!offer) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
    if (!offer.isTrial) throw new DomainError('NOT_A_TRIAL_OFFER', 'A trial invitation needs a trial offer', 'offerId');
    const advisorCode = await this.advisorCodes(viewer.partnerId, actor);

    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'createTrialInvitation', key: idempotencyKey, request: input, clock: this.clock },
        async () => {
          const row: TrialInvitationRow = {
            id: randomUUID(),
            partnerId: viewer.partnerId,
            offerId: offer.id,
            includeDelegatedAdmin: input.includeDelegatedAdmin,
            advisorCode,
            code: generateCode(),
            status: 'ACTIVE',
            acceptanceCount: 0,
            createdBy: viewer.userId,
            createdAt: this.clock.now(),
            revokedAt: null,
          };
          await manager.insert(TrialInvitation, row);
          await writeAudit(manager, { ...actor, clock: this.clock }, {
            operation: 'createTrialInvitation',
            resourceType: 'TrialInvitation',
            resourceId: row.id,
            newValue: { offerId: row.offerId, includeDelegatedAdmin: row.includeDelegatedAdmin, status: row.status },
          });
          return { id: row.id };
        },
      ),
    );
    return this.db.getRepository(TrialInvitation).findOneByOrFail({ id: receipt.id });
  }

  async createPurchaseOffer(
    actor: Actor,
    input: { lines: { offerId: string; quantity: number }[]; includeDelegatedAdmin: boolean },
    idempotencyKey: string | null | undefined,
  ): Promise<PurchaseOfferRow> {
    const viewer = authorize(actor.viewer, input.includeDelegatedAdmin ? ADVISOR_WITH_DELEGATED_ADMIN : ADVISOR);
    if (input.lines.length === 0) throw new DomainError('VALIDATION_FAILED', 'A purchase offer needs at least one offer', 'lines');
    if (input.lines.length > MAX_PURCHASE_OFFER_LINES) {
      throw new DomainError('VALIDATION_FAILED', `A purchase offer has at most ${MAX_PURCHASE_OFFER_LINES} offers`, 'lines');
    }
    const offers = new Map((await this.catalogue.visibleByIds(viewer.partnerId, input.lines.map((line) => line.offerId))).map((offer) => [offer.id, offer]));
    const problems = new Problems();
    const seen = new Set<string>();
    input.lines.forEach((line, index) => {
      const offer = offers.get(line.offerId);
      if (!offer) {
        problems.add('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', `lines[${index}].offerId`);
        return;
      }
      if (seen.has(offer.id)) problems.add('VALIDATION_FAILED', 'Each offer may appear only once', `lines[${index}].offerId`);
      seen.add(offer.id);
      if (offer.isTrial) problems.add('VALIDATION_FAILED', 'Trial offers are sent with a trial invitation', `lines[${index}].offerId`);
      if (!Number.isInteger(line.quantity) || line.quantity < offer.minQuantity || line.quantity > offer.maxQuantity) {
        problems.add('QUANTITY_OUT_OF_RANGE', `${offer.name} needs between ${offer.minQuantity} and ${offer.maxQuantity} licences`, `lines[${index}].quantity`);
      }
    });
    input.lines.forEach((line, index) => {
      const offer = offers.get(line.offerId);
      // The customer is new: an add-on can only come with one of its prerequisites.
      if (offer?.isAddOn && !offer.prerequisiteOfferIds.some((id) => seen.has(id))) {
        problems.add('PREREQUISITE_MISSING', `${offer.name} needs one of its prerequisite offers in the same purchase offer`, `lines[${index}].offerId`);
      }
    });
    problems.throwIfAny();
    const advisorCode = await this.advisorCodes(viewer.partnerId, actor);

    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'createPurchaseOffer', key: idempotencyKey, request: input, clock: this.clock },
        async () => {
          const row: PurchaseOfferRow = {
            id: randomUUID(),
            partnerId: viewer.partnerId,
            includeDelegatedAdmin: input.includeDelegatedAdmin,
            advisorCode,
            code: generateCode(),
            status: 'ACTIVE',
            acceptanceCount: 0,
            createdBy: viewer.userId,
            createdAt: this.clock.now(),
            revokedAt: null,
          };
          const lines: PurchaseOfferLineRow[] = input.lines.map((line, position) => ({ purchaseOfferId: row.id, position, offerId: line.offerId, quantity: line.quantity }));
          await manager.insert(PurchaseOffer, row);
          await manager.insert(PurchaseOfferLine, lines);
          await writeAudit(manager, { ...actor, clock: this.clock }, {
            operation: 'createPurchaseOffer',
            resourceType: 'PurchaseOffer',
            resourceId: row.id,
            newValue: { lines: input.lines, includeDelegatedAdmin: row.includeDelegatedAdmin, status: row.status },
          });
          return { id: row.id };
        },
      ),
    );
    return this.db.getRepository(PurchaseOffer).findOneByOrFail({ id: receipt.id });
  }

  revokeTrialInvitation(actor: Actor, id: string): Promise<TrialInvitationRow> {
    return this.revoke(actor, TrialInvitation, 'TrialInvitation', 'revokeTrialInvitation', id);
  }

  revokePurchaseOffer(actor: Actor, id: string): Promise<PurchaseOfferRow> {
    return this.revoke(actor, PurchaseOffer, 'PurchaseOffer', 'revokePurchaseOffer', id);
  }

  listTrialInvitations(viewer: Viewer, args: { first?: number | null; after?: string | null }): Promise<Connection<TrialInvitationRow>> {
    return this.list(authorize(viewer, ADVISOR), TrialInvitation, args);
  }

  listPurchaseOffers(viewer: Viewer, args: { first?: number | null; after?: string | null }): Promise<Connection<PurchaseOfferRow>> {
    return this.list(authorize(viewer, ADVISOR), PurchaseOffer, args);
  }

  /** The lines of many purchase offers in one statement, in each offer's order. */
  async linesOf(purchaseOfferIds: readonly string[]): Promise<PurchaseOfferLineRow[]> {
    if (purchaseOfferIds.length === 0) return [];
    return this.db
      .getRepository(PurchaseOfferLine)
      .createQueryBuilder('l')
      .where('l.purchaseOfferId = ANY(:ids)', { ids: [...new Set(purchaseOfferIds)] })
      .orderBy('l.position', 'ASC')
      .getMany();
  }

  private async revoke<T extends Invitation>(actor: Actor, entity: EntityTarget<T>, resourceType: string, operation: string, id: string): Promise<T> {
    const viewer = authorize(actor.viewer, ADVISOR);
    if (!isUuid(id)) throw notFound(resourceType, 'id');
    return this.db.transaction(async (manager: EntityManager) => {
      // Another partner's invitation is NOT_FOUND, exactly like an unknown id.
      const where = { id, partnerId: viewer.partnerId } as FindOptionsWhere<T>;
      const before = await manager.findOne(entity, { where, lock: { mode: 'pessimistic_write' } });
      if (!before) throw notFound(resourceType, 'id');
      if (before.status === 'REVOKED') throw new DomainError('INVALID_STATUS_TRANSITION', 'Already revoked', 'id');
      const after = { ...before, status: 'REVOKED' as const, revokedAt: this.clock.now() };
      await manager.save(entity, after);
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        operation,
        resourceType,
        resourceId: id,
        oldValue: { status: before.status },
        newValue: { status: after.status, revokedAt: after.revokedAt },
      });
      return after;
    });
  }

  /** The partner's invitations (or purchase offers), newest first, keyset-paginated on (createdAt, id). */
  private async list<T extends Invitation>(viewer: PartnerViewer, entity: EntityTarget<T>, args: { first?: number | null; after?: string | null }): Promise<Connection<T>> {
    const size = pageSize(args.first);
    const query = this.db.getRepository(entity).createQueryBuilder('i').where('i.partnerId = :partnerId', { partnerId: viewer.partnerId });
    const after = decodeCursor(args.after);
    if (after) {
      const [createdAt, id] = after;
      if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || !isUuid(id)) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
      }
      query.andWhere('(i.createdAt, i.id) < (:afterCreatedAt, :afterId)', { afterCreatedAt: createdAt, afterId: id });
    }
    const rows = await query.orderBy('i.createdAt', 'DESC').addOrderBy('i.id', 'DESC').limit(size + 1).getMany();
    return toConnection(rows, size, (row) => [row.createdAt.toISOString(), row.id]);
  }
}
