import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  addDays,
  addMonths,
  authorize,
  DomainError,
  generateCode,
  idempotent,
  isUuid,
  notFound,
  sha256,
  writeAudit,
  recordEvent,
  type EventType,
  type NewEvent,
  type Clock,
  type Viewer,
} from '@partner-graph/platform';
import { DelegatedAdminRelationship, type DelegatedAdminAccess, type DelegatedAdminRelationshipRow, type DelegatedAdminStatus } from '../db/index.js';
import { customerOfViewer, READ_CUSTOMERS } from './access.js';
import { DELEGATED_ADMIN_MONTHS, DELEGATED_ADMIN_OFFER_DAYS, type Actor } from './rules.js';

/** Offering and ending delegated administration (SPEC §3.3). */
const MANAGE_DELEGATED_ADMIN = { programs: ['DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'], customerAccess: ['FULL'] } as const;

/** The status as of now: a pending offer or an active relationship past its expiry is EXPIRED. */
export function effectiveStatus(row: DelegatedAdminRelationshipRow, now: Date): DelegatedAdminStatus {
  if ((row.status === 'PENDING' || row.status === 'ACTIVE') && row.expiresAt <= now) return 'EXPIRED';
  return row.status;
}

const auditView = (row: DelegatedAdminRelationshipRow) => ({ access: row.access, status: row.status, expiresAt: row.expiresAt });

/**
 * Delegated administration like GDAP: an offer (PENDING, 90 days, one-time code in the URL) that
 * the customer accepts (ACTIVE for 2 years) and either side can end.
 */
export class DelegatedAdministration {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly publicAcceptUrl: string,
  ) {}

  async list(viewer: Viewer, customerId: string | null | undefined): Promise<DelegatedAdminRelationshipRow[]> {
    const partner = authorize(viewer, READ_CUSTOMERS);
    if (customerId != null && !isUuid(customerId)) return [];
    return this.db.getRepository(DelegatedAdminRelationship).find({
      where: customerId != null ? { partnerId: partner.partnerId, customerId } : { partnerId: partner.partnerId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: 500,
    });
  }

  /** A retry with the same idempotencyKey returns the first offer, without its code (shown once). */
  async sendOffer(
    actor: Actor,
    customerId: string,
    access: DelegatedAdminAccess,
    idempotencyKey: string | null | undefined,
  ): Promise<{ relationship: DelegatedAdminRelationshipRow; acceptanceUrl: string | null; code: string | null }> {
    const viewer = authorize(actor.viewer, MANAGE_DELEGATED_ADMIN);
    let code: string | null = null;
    const receipt = await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId);
      return idempotent(manager, { scope: viewer.partnerId, operation: 'sendDelegatedAdminOffer', key: idempotencyKey, request: { customerId, access }, clock: this.clock }, async () => {
        code = generateCode();
        const now = this.clock.now();
        const relationship: DelegatedAdminRelationshipRow = {
          id: randomUUID(),
          customerId: customer.id,
          partnerId: viewer.partnerId,
          access,
          status: 'PENDING',
          codeHash: sha256(code),
          terminationCodeHash: null,
          createdAt: now,
          acceptedAt: null,
          expiresAt: addDays(now, DELEGATED_ADMIN_OFFER_DAYS),
          terminatedAt: null,
        };
        await manager.insert(DelegatedAdminRelationship, relationship);
        await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'sendDelegatedAdminOffer', resourceType: 'DelegatedAdminRelationship', resourceId: relationship.id, customerId: customer.id, newValue: auditView(relationship) });
        return { relationshipId: relationship.id };
      });
    });
    const relationship = await this.db.getRepository(DelegatedAdminRelationship).findOneByOrFail({ id: receipt.relationshipId });
    return { relationship, code, acceptanceUrl: code ? this.customerUrl('delegated-admin', code) : null };
  }

  /** Customer side, unauthenticated: whether the offer's code can still be accepted, and by whom it is offered. */
  async offerByCode(code: string): Promise<{ partnerId: string; access: DelegatedAdminRelationshipRow['access'] } | null> {
    if (!code.trim() || code.length > 200) return null;
    const offer = await this.db.getRepository(DelegatedAdminRelationship).findOneBy({ codeHash: sha256(code.trim()) });
    if (!offer || offer.status !== 'PENDING' || effectiveStatus(offer, this.clock.now()) !== 'PENDING') return null;
    return { partnerId: offer.partnerId, access: offer.access };
  }

  /**
   * The customer accepts with the code (no partner sign-in); the code works once. The answer
   * carries, once, a second code: the customer's own link to end the relationship.
   */
  async accept(actor: Actor, code: string): Promise<{ relationship: DelegatedAdminRelationshipRow; terminationCode: string; terminationUrl: string }> {
    const invalid = () => new DomainError('INVALID_CODE', 'This delegated-admin offer code is not valid (unknown, already used or expired)', 'code');
    if (!code.trim() || code.length > 200) throw invalid();
    const terminationCode = generateCode();
    const relationship = await this.db.transaction(async (manager) => {
      const offer = await manager.findOne(DelegatedAdminRelationship, { where: { codeHash: sha256(code.trim()) }, lock: { mode: 'pessimistic_write' } });
      if (!offer) throw invalid();
      const now = this.clock.now();
      if (offer.status !== 'PENDING' || effectiveStatus(offer, now) !== 'PENDING') throw invalid();
      const accepted: DelegatedAdminRelationshipRow = {
        ...offer,
        status: 'ACTIVE',
        codeHash: null,
        terminationCodeHash: sha256(terminationCode),
        acceptedAt: now,
        expiresAt: addMonths(now, DELEGATED_ADMIN_MONTHS),
      };
      await manager.save(DelegatedAdminRelationship, accepted);
      // The caller is anonymous: the record belongs to the offering partner's trail.
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        partnerId: offer.partnerId,
        operation: 'acceptDelegatedAdminOffer',
        resourceType: 'DelegatedAdminRelationship',
        resourceId: offer.id,
        customerId: offer.customerId,
        oldValue: auditView(offer),
        newValue: auditView(accepted),
      });
      await recordEvent(manager, this.clock, relationshipEvent('delegated_admin.accepted', accepted, 'acceptDelegatedAdminOffer'));
      return accepted;
    });
    return { relationship, terminationCode, terminationUrl: this.terminationUrl(terminationCode) };
  }

  /** Partner side (SPEC §3.3: DELEGATED_ADMIN + CLOUD_ESSENTIALS + FULL). */
  async terminate(actor: Actor, id: string): Promise<DelegatedAdminRelationshipRow> {
    const viewer = authorize(actor.viewer, MANAGE_DELEGATED_ADMIN);
    if (!isUuid(id)) throw notFound('Delegated-admin relationship', 'id');
    return this.end(actor, { id, partnerId: viewer.partnerId }, 'terminateDelegatedAdminRelationship', () => notFound('Delegated-admin relationship', 'id'));
  }

  /** Customer side, unauthenticated: the termination code handed out at acceptance ends the relationship. */
  async terminateAsCustomer(actor: Actor, code: string): Promise<DelegatedAdminRelationshipRow> {
    const invalid = () => new DomainError('INVALID_CODE', 'This termination code is not valid (unknown, or the relationship has already ended)', 'code');
    if (!code.trim() || code.length > 200) throw invalid();
    return this.end(actor, { terminationCodeHash: sha256(code.trim()) }, 'endDelegatedAdminRelationship', invalid);
  }

  private async end(
    actor: Actor,
    where: { id: string; partnerId: string } | { terminationCodeHash: string },
    operation: string,
    unknown: () => Error,
  ): Promise<DelegatedAdminRelationshipRow> {
    return this.db.transaction(async (manager) => {
      const before = await manager.findOne(DelegatedAdminRelationship, { where, lock: { mode: 'pessimistic_write' } });
      if (!before) throw unknown();
      const status = effectiveStatus(before, this.clock.now());
      if (status !== 'PENDING' && status !== 'ACTIVE') {
        if ('terminationCodeHash' in where) throw unknown();
        throw new DomainError('INVALID_STATUS_TRANSITION', `This relationship is already ${status}`, 'id');
      }
      const after: DelegatedAdminRelationshipRow = { ...before, status: 'TERMINATED', codeHash: null, terminationCodeHash: null, terminatedAt: this.clock.now() };
      await manager.save(DelegatedAdminRelationship, after);
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        partnerId: before.partnerId,
        operation,
        resourceType: 'DelegatedAdminRelationship',
        resourceId: before.id,
        customerId: before.customerId,
        oldValue: auditView(before),
        newValue: auditView(after),
      });
      await recordEvent(manager, this.clock, relationshipEvent('delegated_admin.terminated', after, operation));
      return after;
    });
  }

  /**
   * Records the expiry of offers and relationships whose time is up (they already read as
   * EXPIRED): the stored status catches up, with its audit record and event, once each.
   */
  async recordExpiries(now: Date = this.clock.now()): Promise<number> {
    return this.db.transaction(async (manager) => {
      const due = await manager
        .getRepository(DelegatedAdminRelationship)
        .createQueryBuilder('r')
        .where(`r.status IN ('PENDING', 'ACTIVE') AND r.expires_at <= :now`, { now })
        .orderBy('r.expires_at')
        .addOrderBy('r.id')
        .limit(500)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      const requestId = `delegated-admin-expiry:${now.toISOString()}`;
      for (const before of due) {
        const after: DelegatedAdminRelationshipRow = { ...before, status: 'EXPIRED', codeHash: null, terminationCodeHash: null };
        await manager.save(DelegatedAdminRelationship, after);
        await writeAudit(manager, { viewer: { kind: 'system' }, requestId, clock: this.clock }, {
          partnerId: before.partnerId,
          operation: 'expireDelegatedAdminRelationship',
          resourceType: 'DelegatedAdminRelationship',
          resourceId: before.id,
          customerId: before.customerId,
          oldValue: auditView(before),
          newValue: auditView(after),
        });
        await recordEvent(manager, this.clock, relationshipEvent('delegated_admin.expired', after, before.status === 'PENDING' ? 'offerExpired' : 'relationshipExpired'));
      }
      return due.length;
    });
  }

  /** The customer's page that ends a relationship with its termination code. */
  terminationUrl(code: string): string {
    return this.customerUrl('delegated-admin/end', code);
  }

  private customerUrl(path: string, code: string): string {
    return `${this.publicAcceptUrl.replace(/\/$/, '')}/${path}/${code}`;
  }
}

/** An event about a delegated-admin relationship; its codes never leave the subgraph. */
function relationshipEvent(type: EventType, row: DelegatedAdminRelationshipRow, reason: string): NewEvent {
  return {
    type,
    partnerId: row.partnerId,
    objectType: 'DelegatedAdminRelationship',
    objectId: row.id,
    data: { customerId: row.customerId, ...auditView(row), reason },
  };
}
