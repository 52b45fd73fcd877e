import { In, IsNull, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { CustomerUser, type CustomerUserRow } from './entities.js';

/** A customer's users. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class CustomerUserStore {
  constructor(private readonly db: DataSource) {}

  get(id: string, manager: EntityManager = this.db.manager): Promise<CustomerUserRow> {
    return manager.findOneByOrFail(CustomerUser, { id });
  }

  find(id: string, manager: EntityManager = this.db.manager): Promise<CustomerUserRow | null> {
    return manager.findOneBy(CustomerUser, { id });
  }

  /**
   * The user if it belongs to a customer of the partner (FOR UPDATE when `lock`): the partner
   * scope is part of the lookup, so another partner's user is never read nor locked.
   */
  async ofPartner(partnerId: string, id: string, lock: boolean, manager: EntityManager = this.db.manager): Promise<CustomerUserRow | null> {
    const mine: unknown[] = await manager.query(
      `SELECT 1 FROM customer_user cu JOIN customer_partner cp ON cp.customer_id = cu.customer_id AND cp.partner_id = $2 WHERE cu.id = $1${lock ? ' FOR UPDATE OF cu' : ''}`,
      [id, partnerId],
    );
    return mine.length > 0 ? this.find(id, manager) : null;
  }

  /** The user signing in as `userName` (any case), deleted or not. */
  async byUserName(userName: string, manager: EntityManager = this.db.manager): Promise<CustomerUserRow | null> {
    const [row]: { id: string }[] = await manager.query(`SELECT id FROM customer_user WHERE lower(user_name) = $1`, [
      userName.toLowerCase(),
    ]);
    return row ? this.find(row.id, manager) : null;
  }

  async userNameTaken(userName: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    const taken: unknown[] = await manager.query(`SELECT 1 FROM customer_user WHERE lower(user_name) = $1`, [userName.toLowerCase()]);
    return taken.length > 0;
  }

  /** How many undeleted admins the customer has besides `userId`. */
  async otherAdmins(customerId: string, userId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const [row]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM customer_user WHERE customer_id = $1 AND is_admin AND deleted_at IS NULL AND id <> $2`,
      [customerId, userId],
    );
    return row!.count;
  }

  async insert(user: CustomerUserRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(CustomerUser, user);
  }

  async save(user: CustomerUserRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(CustomerUser, user);
  }

  /** Deletes the users deleted at or before `before`; returns them. */
  async purgeDeletedBefore(
    before: Date,
    manager: EntityManager = this.db.manager,
  ): Promise<{ id: string; customerId: string; userName: string }[]> {
    const purged: { id: string; customer_id: string; user_name: string }[] = await manager.query(
      `DELETE FROM customer_user WHERE deleted_at <= $1 RETURNING id, customer_id, user_name`,
      [before],
    );
    return purged.map((row) => ({ id: row.id, customerId: row.customer_id, userName: row.user_name }));
  }

  /** The users among `ids` not deleted, or deleted after `deletedSince` (not yet purged). */
  visibleByIds(ids: string[], deletedSince: Date, manager: EntityManager = this.db.manager): Promise<CustomerUserRow[]> {
    return manager.find(CustomerUser, {
      where: [
        { id: In(ids), deletedAt: IsNull() },
        { id: In(ids), deletedAt: MoreThan(deletedSince) },
      ],
    });
  }

  /** The customers' users by user name, not deleted or deleted after `deletedSince`. */
  visibleOfCustomers(customerIds: string[], deletedSince: Date, manager: EntityManager = this.db.manager): Promise<CustomerUserRow[]> {
    return manager.find(CustomerUser, {
      where: [
        { customerId: In(customerIds), deletedAt: IsNull() },
        { customerId: In(customerIds), deletedAt: MoreThan(deletedSince) },
      ],
      order: { userName: 'ASC' },
    });
  }
}
