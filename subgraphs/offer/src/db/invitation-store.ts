import type { DataSource, EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import type { AcceptanceSource } from './acceptance-store.js';
import {
  PurchaseOffer,
  PurchaseOfferLine,
  TrialInvitation,
  type PurchaseOfferLineRow,
  type PurchaseOfferRow,
  type TrialInvitationRow,
} from './entities.js';

type Invitation = TrialInvitationRow | PurchaseOfferRow;

/**
 * Trial invitations and purchase offers (`entity` says which) with their lines. Every method
 * takes an optional `EntityManager` so a caller can join its transaction.
 */
export class InvitationStore {
  constructor(private readonly db: DataSource) {}

  byCode<T extends Invitation>(entity: EntityTarget<T>, code: string, manager: EntityManager = this.db.manager): Promise<T | null> {
    return manager.findOneBy(entity, { code } as FindOptionsWhere<T>);
  }

  get<T extends Invitation>(entity: EntityTarget<T>, id: string, manager: EntityManager = this.db.manager): Promise<T> {
    return manager.findOneByOrFail(entity, { id } as FindOptionsWhere<T>);
  }

  /** The invitation under a write lock until the caller's transaction ends (acceptances of one link take their places one at a time). */
  lock<T extends Invitation>(manager: EntityManager, entity: EntityTarget<T>, id: string): Promise<T> {
    return manager.findOneOrFail(entity, { where: { id } as FindOptionsWhere<T>, lock: { mode: 'pessimistic_write' } });
  }

  /** The partner's invitation under a write lock until the caller's transaction ends; another partner's is null. */
  lockOwn<T extends Invitation>(manager: EntityManager, entity: EntityTarget<T>, partnerId: string, id: string): Promise<T | null> {
    return manager.findOne(entity, { where: { id, partnerId } as FindOptionsWhere<T>, lock: { mode: 'pessimistic_write' } });
  }

  async insertTrialInvitation(row: TrialInvitationRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(TrialInvitation, row);
  }

  async insertPurchaseOffer(row: PurchaseOfferRow, lines: PurchaseOfferLineRow[], manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(PurchaseOffer, row);
    await manager.insert(PurchaseOfferLine, lines);
  }

  async save<T extends Invitation>(entity: EntityTarget<T>, row: T, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(entity, row);
  }

  /** One more customer accepted the invitation or purchase offer. */
  async countAcceptance(source: AcceptanceSource, manager: EntityManager = this.db.manager): Promise<void> {
    if ('trialInvitationId' in source) await manager.increment(TrialInvitation, { id: source.trialInvitationId }, 'acceptanceCount', 1);
    else await manager.increment(PurchaseOffer, { id: source.purchaseOfferId }, 'acceptanceCount', 1);
  }

  /** The partner's invitations, newest first, after a (createdAt, id) position. */
  page<T extends Invitation>(
    entity: EntityTarget<T>,
    partnerId: string,
    limit: number,
    after: { key: string; id: string } | null,
    manager: EntityManager = this.db.manager,
  ): Promise<T[]> {
    const query = manager.getRepository(entity).createQueryBuilder('i').where('i.partnerId = :partnerId', { partnerId });
    if (after) query.andWhere('(i.createdAt, i.id) < (:afterCreatedAt, :afterId)', { afterCreatedAt: after.key, afterId: after.id });
    return query.orderBy('i.createdAt', 'DESC').addOrderBy('i.id', 'DESC').limit(limit).getMany();
  }

  /** The lines of many purchase offers in one statement, in each offer's order. */
  linesOf(purchaseOfferIds: readonly string[], manager: EntityManager = this.db.manager): Promise<PurchaseOfferLineRow[]> {
    return manager
      .getRepository(PurchaseOfferLine)
      .createQueryBuilder('l')
      .where('l.purchaseOfferId = ANY(:ids)', { ids: [...new Set(purchaseOfferIds)] })
      .orderBy('l.position', 'ASC')
      .getMany();
  }
}
