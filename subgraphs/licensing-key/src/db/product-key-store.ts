import { In, type DataSource, type EntityManager } from 'typeorm';
import { ProductKey, type ProductKeyRow, type ProductKeyState, type RedemptionRow } from './entities.js';

/** A partner's product keys. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class ProductKeyStore {
  constructor(private readonly db: DataSource) {}

  async insert(rows: ProductKeyRow[], manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(ProductKey, rows);
  }

  async byIds(ids: string[], manager: EntityManager = this.db.manager): Promise<Map<string, ProductKeyRow>> {
    const rows = await manager.findBy(ProductKey, { id: In(ids) });
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The partner's keys, newest first, after an (orderedAt, id) position. */
  page(
    partnerId: string,
    args: { state?: ProductKeyState | null; limit: number; after: { key: string; id: string } | null },
    manager: EntityManager = this.db.manager,
  ): Promise<ProductKeyRow[]> {
    const query = manager
      .getRepository(ProductKey)
      .createQueryBuilder('k')
      .where('k.partner_id = :partnerId', { partnerId })
      .orderBy('k.ordered_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(args.limit);
    if (args.state) query.andWhere('k.state = :state', { state: args.state });
    if (args.after) query.andWhere('(k.ordered_at, k.id) < (:orderedAt, :id)', { orderedAt: new Date(args.after.key), id: args.after.id });
    return query.getMany();
  }

  /** The partner's key under a write lock until the caller's transaction ends; another partner's is null. */
  lockOwn(manager: EntityManager, partnerId: string, id: string): Promise<ProductKeyRow | null> {
    return manager.findOne(ProductKey, { where: { id, partnerId }, lock: { mode: 'pessimistic_write' } });
  }

  async setState(id: string, state: ProductKeyState, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.update(ProductKey, { id }, { state });
  }

  /** The partner's keys among `hashes`, by hash; `lock` takes them FOR UPDATE (in id order, so lockers never deadlock). */
  async byHashes(
    partnerId: string,
    hashes: string[],
    lock = false,
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, ProductKeyRow>> {
    if (hashes.length === 0) return new Map();
    const query = manager
      .getRepository(ProductKey)
      .createQueryBuilder('k')
      .where('k.partner_id = :partnerId', { partnerId })
      .andWhere('k.key_hash = ANY(:hashes)', { hashes })
      .orderBy('k.id');
    if (lock) query.setLock('pessimistic_write');
    const rows = await query.getMany();
    return new Map(rows.map((row) => [row.keyHash, row]));
  }

  /** Reserves the keys that are still free for the redemption. */
  async reserve(keyIds: string[], redemptionId: string, now: Date, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `UPDATE product_key SET redemption_id = $1, updated_at = $2 WHERE id = ANY($3) AND redemption_id IS NULL AND state = 'AVAILABLE'`,
      [redemptionId, now, keyIds],
    );
  }

  /** The redemption's reserved keys are redeemed, for good, into what it made. */
  async redeemReserved(
    redemptionId: string,
    redeemed: { usedFor: RedemptionRow['usedFor']; at: Date; customerId: string | null; subscriptionId: string },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.query(
      `UPDATE product_key SET state = 'REDEEMED', used_for = $2, redeemed_at = $3, customer_id = $4, subscription_id = $5, updated_at = $3
       WHERE redemption_id = $1 AND state = 'AVAILABLE'`,
      [redemptionId, redeemed.usedFor, redeemed.at, redeemed.customerId, redeemed.subscriptionId],
    );
  }

  /** The redemption's reserved keys are free again. */
  async releaseReserved(redemptionId: string, now: Date, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`UPDATE product_key SET redemption_id = NULL, updated_at = $2 WHERE redemption_id = $1 AND state = 'AVAILABLE'`, [
      redemptionId,
      now,
    ]);
  }
}
