import type { DataSource, EntityManager } from 'typeorm';
import { OfferAcceptance, type OfferAcceptanceRow } from './entities.js';

/** Where an acceptance was made: a trial invitation or a purchase offer. */
export type AcceptanceSource = { trialInvitationId: string } | { purchaseOfferId: string };

/**
 * Customers' acceptances of trial invitations and purchase offers. Every method takes an
 * optional `EntityManager` so a caller can join its transaction.
 */
export class AcceptanceStore {
  constructor(private readonly db: DataSource) {}

  get(id: string, manager: EntityManager = this.db.manager): Promise<OfferAcceptanceRow> {
    return manager.findOneByOrFail(OfferAcceptance, { id });
  }

  /** The acceptance recorded under the caller's idempotency key on this invitation, if any. */
  byIdempotencyKey(
    source: AcceptanceSource,
    idempotencyKey: string,
    manager: EntityManager = this.db.manager,
  ): Promise<OfferAcceptanceRow | null> {
    return manager.findOneBy(OfferAcceptance, { ...source, idempotencyKey });
  }

  /** The acceptance, if it was made through the invitation or purchase offer whose link has this code; null otherwise. */
  async byIdAndCode(id: string, code: string, manager: EntityManager = this.db.manager): Promise<OfferAcceptanceRow | null> {
    return manager
      .getRepository(OfferAcceptance)
      .createQueryBuilder('a')
      .where('a.id = :id', { id })
      .andWhere(
        `(a.trial_invitation_id IN (SELECT id FROM trial_invitation WHERE code = :code) OR a.purchase_offer_id IN (SELECT id FROM purchase_offer WHERE code = :code))`,
        { code },
      )
      .getOne();
  }

  /** The acceptances of a link that hold an account or are making one (PENDING or COMPLETED). */
  async takenCount(source: AcceptanceSource, manager: EntityManager = this.db.manager): Promise<number> {
    const [column, id] =
      'trialInvitationId' in source ? ['trial_invitation_id', source.trialInvitationId] : ['purchase_offer_id', source.purchaseOfferId];
    const [row]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM offer_acceptance WHERE ${column} = $1 AND status <> 'FAILED'`,
      [id],
    );
    return row?.count ?? 0;
  }

  /** Under a write lock until the caller's transaction ends. */
  lock(manager: EntityManager, id: string): Promise<OfferAcceptanceRow | null> {
    return manager.findOne(OfferAcceptance, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Inserts the acceptance; false when its idempotency key is already taken on this invitation (a concurrent retry). */
  async insertUnlessReplayed(row: OfferAcceptanceRow, manager: EntityManager = this.db.manager): Promise<boolean> {
    const inserted = await manager.createQueryBuilder().insert().into(OfferAcceptance).values(row).orIgnore().returning(['id']).execute();
    return inserted.raw.length > 0;
  }

  async save(row: OfferAcceptanceRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(OfferAcceptance, row);
  }
}
