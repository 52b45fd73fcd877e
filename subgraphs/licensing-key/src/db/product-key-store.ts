import { In, type DataSource, type EntityManager } from 'typeorm';
import { ProductKey, type ProductKeyRow, type ProductKeyState } from './entities.js';

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
}
