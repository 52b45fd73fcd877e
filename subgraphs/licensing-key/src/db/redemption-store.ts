import type { DataSource, EntityManager } from 'typeorm';
import { Redemption, type RedemptionRow, type RedemptionStatus } from './entities.js';

const UNFINISHED: RedemptionStatus[] = ['PENDING', 'ACCOUNT_CREATED'];

/** Redemptions and renewals with product keys. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class RedemptionStore {
  constructor(private readonly db: DataSource) {}

  byId(id: string, manager: EntityManager = this.db.manager): Promise<RedemptionRow> {
    return manager.findOneByOrFail(Redemption, { id });
  }

  /** The partner's redemption, or null (another partner's is null too). */
  ofPartner(partnerId: string, id: string, manager: EntityManager = this.db.manager): Promise<RedemptionRow | null> {
    return manager.findOneBy(Redemption, { id, partnerId });
  }

  /** The partner's redemption recorded under this idempotency key, or null. */
  byIdempotencyKey(
    partnerId: string,
    usedFor: RedemptionRow['usedFor'],
    idempotencyKey: string,
    manager: EntityManager = this.db.manager,
  ): Promise<RedemptionRow | null> {
    return manager.findOneBy(Redemption, { partnerId, usedFor, idempotencyKey });
  }

  /** Inserts the redemption's record; false when its idempotency key is already taken (a concurrent retry). */
  async insertUnlessTaken(row: RedemptionRow, manager: EntityManager = this.db.manager): Promise<boolean> {
    const inserted = await manager.createQueryBuilder().insert().into(Redemption).values(row).orIgnore().returning(['id']).execute();
    return inserted.raw.length > 0;
  }

  /** The pending redemption's customer account exists. */
  async accountCreated(
    id: string,
    account: { customerId: string; adminUserName: string | null; at: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager
      .getRepository(Redemption)
      .update(
        { id, status: 'PENDING' },
        { status: 'ACCOUNT_CREATED', customerId: account.customerId, adminUserName: account.adminUserName, updatedAt: account.at },
      );
  }

  /** The unfinished redemption is COMPLETED; false when it had already ended. */
  async complete(
    id: string,
    made: { subscriptionId: string; endDate: Date | null; at: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const updated = await manager
      .createQueryBuilder()
      .update(Redemption)
      .set({ status: 'COMPLETED', subscriptionId: made.subscriptionId, endDate: made.endDate, completedAt: made.at, updatedAt: made.at })
      .where('id = :id AND status IN (:...unfinished)', { id, unfinished: UNFINISHED })
      .returning(['id'])
      .execute();
    return updated.raw.length > 0;
  }

  /** The pending redemption is FAILED with the refusal; false when it was no longer pending. */
  async fail(
    id: string,
    failure: { code: string; message: string; field: string | null; at: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const updated = await manager
      .createQueryBuilder()
      .update(Redemption)
      .set({
        status: 'FAILED',
        failureCode: failure.code,
        failureMessage: failure.message,
        failureField: failure.field,
        completedAt: failure.at,
        updatedAt: failure.at,
      })
      .where('id = :id AND status = :pending', { id, pending: 'PENDING' })
      .returning(['id'])
      .execute();
    return updated.raw.length > 0;
  }
}
