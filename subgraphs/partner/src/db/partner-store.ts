import { In, type DataSource, type EntityManager } from 'typeorm';
import { Partner, PartnerUser, type PartnerRow, type PartnerUserRow } from './entities.js';

/** Partners and their users. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class PartnerStore {
  constructor(private readonly db: DataSource) {}

  partnersByIds(ids: string[], manager: EntityManager = this.db.manager): Promise<PartnerRow[]> {
    return manager.findBy(Partner, { id: In(ids) });
  }

  usersByIds(ids: string[], manager: EntityManager = this.db.manager): Promise<PartnerUserRow[]> {
    return manager.findBy(PartnerUser, { id: In(ids) });
  }

  partner(id: string, manager: EntityManager = this.db.manager): Promise<PartnerRow> {
    return manager.findOneByOrFail(Partner, { id });
  }

  /** The partner under a write lock until the caller's transaction ends (throws when unknown). */
  lockedPartner(manager: EntityManager, id: string): Promise<PartnerRow> {
    return manager.findOneOrFail(Partner, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Locks the partner's row until the caller's transaction ends (nothing when unknown). */
  async lockPartner(manager: EntityManager, id: string): Promise<void> {
    await manager.findOne(Partner, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async savePartner(partner: PartnerRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(Partner, partner);
  }

  /** The active user a token's subject names, or null. */
  activeUserBySubject(subject: string, manager: EntityManager = this.db.manager): Promise<PartnerUserRow | null> {
    return manager.findOneBy(PartnerUser, { subject, active: true });
  }

  user(id: string, manager: EntityManager = this.db.manager): Promise<PartnerUserRow> {
    return manager.findOneByOrFail(PartnerUser, { id });
  }

  /** The partner's user, or null (another partner's is null too). */
  userOf(partnerId: string, id: string, manager: EntityManager = this.db.manager): Promise<PartnerUserRow | null> {
    return manager.findOneBy(PartnerUser, { id, partnerId });
  }

  /** The partner's users by display name (the active ones unless `includeInactive`). */
  usersOf(partnerId: string, includeInactive: boolean, manager: EntityManager = this.db.manager): Promise<PartnerUserRow[]> {
    return manager.find(PartnerUser, {
      where: includeInactive ? { partnerId } : { partnerId, active: true },
      order: { displayName: 'ASC', id: 'ASC' },
    });
  }

  /** Whether a user of the partner has this (normalised, lower-case) email. */
  emailTaken(partnerId: string, email: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    return manager
      .createQueryBuilder(PartnerUser, 'u')
      .where('u.partner_id = :partnerId AND lower(u.email) = :email', { partnerId, email })
      .getExists();
  }

  async insertUser(user: PartnerUserRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(PartnerUser, user);
  }

  async saveUser(user: PartnerUserRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(PartnerUser, user);
  }

  activeGlobalAdmins(partnerId: string, manager: EntityManager = this.db.manager): Promise<number> {
    return manager.countBy(PartnerUser, { partnerId, companyRole: 'GLOBAL_ADMIN', active: true });
  }
}
