import { In, type DataSource, type EntityManager } from 'typeorm';
import { DelegatedAdminRelationship, type DelegatedAdminRelationshipRow } from './entities.js';

/** Delegated-admin offers and relationships. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class DelegatedAdminStore {
  constructor(private readonly db: DataSource) {}

  /** The partner's relationships (with one customer when given), newest first, at most 500. */
  ofPartner(
    partnerId: string,
    customerId: string | null,
    manager: EntityManager = this.db.manager,
  ): Promise<DelegatedAdminRelationshipRow[]> {
    return manager.find(DelegatedAdminRelationship, {
      where: customerId != null ? { partnerId, customerId } : { partnerId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: 500,
    });
  }

  get(id: string, manager: EntityManager = this.db.manager): Promise<DelegatedAdminRelationshipRow> {
    return manager.findOneByOrFail(DelegatedAdminRelationship, { id });
  }

  byCodeHash(codeHash: string, manager: EntityManager = this.db.manager): Promise<DelegatedAdminRelationshipRow | null> {
    return manager.findOneBy(DelegatedAdminRelationship, { codeHash });
  }

  /** Under a write lock until the caller's transaction ends. */
  lock(
    manager: EntityManager,
    where: { id: string; partnerId: string } | { codeHash: string } | { terminationCodeHash: string },
  ): Promise<DelegatedAdminRelationshipRow | null> {
    return manager.findOne(DelegatedAdminRelationship, { where, lock: { mode: 'pessimistic_write' } });
  }

  async insert(row: DelegatedAdminRelationshipRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(DelegatedAdminRelationship, row);
  }

  async save(row: DelegatedAdminRelationshipRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(DelegatedAdminRelationship, row);
  }

  /** Up to 500 PENDING or ACTIVE rows whose time is up, locked; rows another run holds are skipped. */
  lockDueExpiries(manager: EntityManager, now: Date): Promise<DelegatedAdminRelationshipRow[]> {
    return manager
      .getRepository(DelegatedAdminRelationship)
      .createQueryBuilder('r')
      .where(`r.status IN ('PENDING', 'ACTIVE') AND r.expires_at <= :now`, { now })
      .orderBy('r.expires_at')
      .addOrderBy('r.id')
      .limit(500)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  /** The partner's relationships with these customers, newest first. */
  ofCustomers(
    partnerId: string,
    customerIds: string[],
    manager: EntityManager = this.db.manager,
  ): Promise<DelegatedAdminRelationshipRow[]> {
    return manager.find(DelegatedAdminRelationship, {
      where: { customerId: In(customerIds), partnerId },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }
}
