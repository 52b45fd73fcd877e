import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import {
  authorize,
  decodeKeyset,
  generateCode,
  idempotent,
  isUuid,
  notFound,
  pageSize,
  toConnection,
  writeAudit,
  type AccessRule,
  type Clock,
  type Connection,
  type PartnerContactFragment,
  type PartnerViewer,
  type Viewer,
  type Actor,
} from '@partner-graph/platform';
import {
  PurchaseOffer,
  type AcceptanceStore,
  type InvitationStore,
  TrialInvitation,
  type AcceptanceSource,
  type PurchaseOfferLineRow,
  type PurchaseOfferRow,
  type TrialInvitationRow,
} from '../db/index.js';
import type { Catalogue } from './catalogue.js';
import {
  checkLineCount,
  checkMaxAcceptances,
  checkPurchaseOfferLines,
  checkTrialOffer,
  invitationCode,
  linkState,
  previewLines,
  revoked,
  TRIAL_SEATS,
  type InvitationPreviewLine,
} from './rules.js';

/** Who may (docs/api.md, "Who may do what"): trial invitations and purchase offers. */
const ADVISOR: AccessRule = { programs: ['SUBSCRIPTION_ADVISOR'], customerAccess: ['FULL', 'LIMITED'] };
/** Offering delegated administration with them also needs these programs. */
const ADVISOR_WITH_DELEGATED_ADMIN: AccessRule = { ...ADVISOR, programs: ['SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'] };

/** Looks up a partner's advisor code (owned by the partner subgraph). */
export type AdvisorCodes = (partnerId: string, actor: Actor) => Promise<string>;

/** Looks up the name and contact a partner shows its prospective customers (owned by the partner subgraph). */
export type PartnerContacts = (partnerId: string, requestId: string) => Promise<InvitingPartner | null>;

/** What a customer-facing page shows of the inviting partner (the partner subgraph's contact). */
export type InvitingPartner = PartnerContactFragment;

/** What an invitation's link shows an unauthenticated visitor: nothing unless it can be accepted. */
export interface InvitationPreview {
  status: 'ACTIVE' | 'REVOKED' | 'FULL' | 'NOT_FOUND';
  partner: InvitingPartner | null;
  lines: InvitationPreviewLine[];
  includeDelegatedAdmin: boolean;
}

const nothing = (status: Exclude<InvitationPreview['status'], 'ACTIVE'>): InvitationPreview => ({
  status,
  partner: null,
  lines: [],
  includeDelegatedAdmin: false,
});

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
    private readonly store: InvitationStore,
    private readonly acceptanceStore: AcceptanceStore,
  ) {}

  /** Customer side, unauthenticated: what a trial invitation's link offers. */
  async trialInvitationPreview(code: string, requestId: string): Promise<InvitationPreview> {
    const invitation = await this.findByCode(TrialInvitation, code);
    const unusable = await this.unusable(invitation, invitation && { trialInvitationId: invitation.id });
    if (unusable || !invitation) return nothing(unusable ?? 'NOT_FOUND');
    return this.preview(invitation, [{ offerId: invitation.offerId, quantity: TRIAL_SEATS }], requestId);
  }

  /** Customer side, unauthenticated: what a purchase offer's link offers. */
  async purchaseOfferPreview(code: string, requestId: string): Promise<InvitationPreview> {
    const purchaseOffer = await this.findByCode(PurchaseOffer, code);
    const unusable = await this.unusable(purchaseOffer, purchaseOffer && { purchaseOfferId: purchaseOffer.id });
    if (unusable || !purchaseOffer) return nothing(unusable ?? 'NOT_FOUND');
    return this.preview(purchaseOffer, await this.linesOf([purchaseOffer.id]), requestId);
  }

  /** Why a link cannot be accepted, as its page says it; null when it can. */
  private async unusable(
    invitation: Invitation | null,
    source: AcceptanceSource | null,
  ): Promise<Exclude<InvitationPreview['status'], 'ACTIVE'> | null> {
    if (!invitation || !source) return 'NOT_FOUND';
    const state = linkState(invitation, invitation.maxAcceptances === null ? 0 : await this.acceptanceStore.takenCount(source));
    return state === 'ACTIVE' ? null : state;
  }

  private async findByCode<T extends Invitation>(entity: EntityTarget<T>, code: string): Promise<T | null> {
    const value = invitationCode(code);
    return value === null ? null : this.store.byCode(entity, value);
  }

  private async preview(
    invitation: Invitation,
    wanted: { offerId: string; quantity: number }[],
    requestId: string,
  ): Promise<InvitationPreview> {
    const [offers, partner] = await Promise.all([
      this.catalogue.visibleByIds(
        invitation.partnerId,
        wanted.map((line) => line.offerId),
      ),
      this.partnerContacts(invitation.partnerId, requestId),
    ]);
    const lines = previewLines(wanted, new Map(offers.map((offer) => [offer.id, offer])));
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
    input: { offerId: string; includeDelegatedAdmin: boolean; maxAcceptances?: number | null },
    idempotencyKey: string | null | undefined,
  ): Promise<TrialInvitationRow> {
    const viewer = authorize(actor.viewer, input.includeDelegatedAdmin ? ADVISOR_WITH_DELEGATED_ADMIN : ADVISOR);
    const maxAcceptances = checkMaxAcceptances(input.maxAcceptances);
    const offer = checkTrialOffer((await this.catalogue.visibleByIds(viewer.partnerId, [input.offerId]))[0]);
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
            maxAcceptances,
            createdBy: viewer.userId,
            createdAt: this.clock.now(),
            revokedAt: null,
          };
          await this.store.insertTrialInvitation(row, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'createTrialInvitation',
              resourceType: 'TrialInvitation',
              resourceId: row.id,
              newValue: { offerId: row.offerId, includeDelegatedAdmin: row.includeDelegatedAdmin, maxAcceptances, status: row.status },
            },
          );
          return { id: row.id };
        },
      ),
    );
    return this.store.get(TrialInvitation, receipt.id);
  }

  async createPurchaseOffer(
    actor: Actor,
    input: { lines: { offerId: string; quantity: number }[]; includeDelegatedAdmin: boolean; maxAcceptances?: number | null },
    idempotencyKey: string | null | undefined,
  ): Promise<PurchaseOfferRow> {
    const viewer = authorize(actor.viewer, input.includeDelegatedAdmin ? ADVISOR_WITH_DELEGATED_ADMIN : ADVISOR);
    const maxAcceptances = checkMaxAcceptances(input.maxAcceptances);
    checkLineCount(input.lines);
    const offers = await this.catalogue.visibleByIds(
      viewer.partnerId,
      input.lines.map((line) => line.offerId),
    );
    checkPurchaseOfferLines(input.lines, new Map(offers.map((offer) => [offer.id, offer])));
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
            maxAcceptances,
            createdBy: viewer.userId,
            createdAt: this.clock.now(),
            revokedAt: null,
          };
          const lines: PurchaseOfferLineRow[] = input.lines.map((line, position) => ({
            purchaseOfferId: row.id,
            position,
            offerId: line.offerId,
            quantity: line.quantity,
          }));
          await this.store.insertPurchaseOffer(row, lines, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'createPurchaseOffer',
              resourceType: 'PurchaseOffer',
              resourceId: row.id,
              newValue: { lines: input.lines, includeDelegatedAdmin: row.includeDelegatedAdmin, maxAcceptances, status: row.status },
            },
          );
          return { id: row.id };
        },
      ),
    );
    return this.store.get(PurchaseOffer, receipt.id);
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
    return purchaseOfferIds.length === 0 ? [] : this.store.linesOf(purchaseOfferIds);
  }

  private async revoke<T extends Invitation>(
    actor: Actor,
    entity: EntityTarget<T>,
    resourceType: string,
    operation: string,
    id: string,
  ): Promise<T> {
    const viewer = authorize(actor.viewer, ADVISOR);
    if (!isUuid(id)) throw notFound(resourceType, 'id');
    return this.db.transaction(async (manager: EntityManager) => {
      // Another partner's invitation is NOT_FOUND, exactly like an unknown id.
      const before = await this.store.lockOwn(manager, entity, viewer.partnerId, id);
      if (!before) throw notFound(resourceType, 'id');
      const after = revoked(before, this.clock.now());
      await this.store.save(entity, after, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation,
          resourceType,
          resourceId: id,
          oldValue: { status: before.status },
          newValue: { status: after.status, revokedAt: after.revokedAt },
        },
      );
      return after;
    });
  }

  /** The partner's invitations (or purchase offers), newest first, keyset-paginated on (createdAt, id). */
  private async list<T extends Invitation>(
    viewer: PartnerViewer,
    entity: EntityTarget<T>,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<T>> {
    const size = pageSize(args.first);
    const rows = await this.store.page(entity, viewer.partnerId, size + 1, decodeKeyset(args.after, 'timestamp'));
    return toConnection(rows, size, (row) => [row.createdAt.toISOString(), row.id]);
  }
}
