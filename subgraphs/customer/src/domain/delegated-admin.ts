import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  authorize,
  customerPageUrl,
  delegatedAdminTerminationUrl,
  DomainError,
  generateCode,
  hashPassword,
  idempotent,
  isUuid,
  notFound,
  sha256,
  verifyPassword,
  writeAudit,
  recordEvent,
  type Clock,
  type Viewer,
  type Actor,
} from '@partner-graph/platform';
import type {
  CustomerUserRow,
  CustomerUserStore,
  DelegatedAdminAccess,
  DelegatedAdminRelationshipRow,
  DelegatedAdminStore,
  SignInFailureStore,
} from '../db/index.js';
import { customerOfViewer, READ_CUSTOMERS } from './access.js';
import {
  accepted,
  acceptingAdmin,
  checkSignInAttempts,
  enteredCode,
  enteredUserName,
  expired,
  isOpenOffer,
  newOffer,
  relationshipAuditView as auditView,
  relationshipEvent,
  effectiveStatus,
  signInWindowStart,
  terminated,
} from './rules.js';

/** Offering and ending delegated administration (docs/api.md, "Who may do what"). */
const MANAGE_DELEGATED_ADMIN = { programs: ['DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'], customerAccess: ['FULL'] } as const;

/**
 * Delegated administration like GDAP: an offer (PENDING, 90 days, one-time code in the URL) that
 * the customer accepts (ACTIVE for 2 years) and either side can end.
 */
export class DelegatedAdministration {
  /** Checked against when the user name is unknown, so that answer takes as long as a wrong password. */
  private readonly noUserHash = hashPassword(generateCode());

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly publicAcceptUrl: string,
    private readonly store: DelegatedAdminStore,
    private readonly users: CustomerUserStore,
    private readonly signInFailures: SignInFailureStore,
  ) {}

  async list(viewer: Viewer, customerId: string | null | undefined): Promise<DelegatedAdminRelationshipRow[]> {
    const partner = authorize(viewer, READ_CUSTOMERS);
    if (customerId != null && !isUuid(customerId)) return [];
    return this.store.ofPartner(partner.partnerId, customerId ?? null);
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
      return idempotent(
        manager,
        {
          scope: viewer.partnerId,
          operation: 'sendDelegatedAdminOffer',
          key: idempotencyKey,
          request: { customerId, access },
          clock: this.clock,
        },
        async () => {
          code = generateCode();
          const relationship = newOffer(
            { id: randomUUID(), customerId: customer.id, partnerId: viewer.partnerId, access, codeHash: sha256(code) },
            this.clock.now(),
          );
          await this.store.insert(relationship, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'sendDelegatedAdminOffer',
              resourceType: 'DelegatedAdminRelationship',
              resourceId: relationship.id,
              customerId: customer.id,
              newValue: auditView(relationship),
            },
          );
          return { relationshipId: relationship.id };
        },
      );
    });
    const relationship = await this.store.get(receipt.relationshipId);
    return { relationship, code, acceptanceUrl: code ? customerPageUrl(this.publicAcceptUrl, 'delegated-admin', code) : null };
  }

  /** Customer side, unauthenticated: whether the offer's code can still be accepted, and by whom it is offered. */
  async offerByCode(code: string): Promise<{ partnerId: string; access: DelegatedAdminRelationshipRow['access'] } | null> {
    const entered = enteredCode(code);
    const offer = entered === null ? null : await this.store.byCodeHash(sha256(entered));
    if (!offer || !isOpenOffer(offer, this.clock.now())) return null;
    return { partnerId: offer.partnerId, access: offer.access };
  }

  /**
   * The customer's own administrator accepts with the code and signs in with its account's
   * credentials: a partner's token counts for nothing here. The code works once; a
   * failed sign-in leaves it usable, and failures are limited per code and per user name. The
   * answer carries, once, a second code: the customer's own link to end the relationship.
   */
  async accept(
    actor: Actor,
    code: string,
    credentials: { userName: string; password: string },
  ): Promise<{ relationship: DelegatedAdminRelationshipRow; terminationCode: string; terminationUrl: string }> {
    const invalid = () =>
      new DomainError('INVALID_CODE', 'This delegated-admin offer code is not valid (unknown, already used or expired)', 'code');
    const entered = enteredCode(code);
    if (entered === null) throw invalid();
    const codeHash = sha256(entered);
    const offer = await this.store.byCodeHash(codeHash);
    if (!offer || !isOpenOffer(offer, this.clock.now())) throw invalid();
    const admin = await this.signIn(offer, codeHash, credentials);
    const terminationCode = generateCode();
    const relationship = await this.db.transaction(async (manager) => {
      // Read again under lock: the offer may have been accepted or ended since.
      const locked = await this.store.lock(manager, { codeHash });
      const now = this.clock.now();
      if (!locked || !isOpenOffer(locked, now)) throw invalid();
      const after = accepted(locked, sha256(terminationCode), now);
      await this.store.save(after, manager);
      // No partner user acts: the record belongs to the offering partner's trail and names the customer's admin.
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          partnerId: locked.partnerId,
          operation: 'acceptDelegatedAdminOffer',
          resourceType: 'DelegatedAdminRelationship',
          resourceId: locked.id,
          customerId: locked.customerId,
          oldValue: auditView(locked),
          newValue: { ...auditView(after), acceptedBy: admin.userName },
        },
      );
      await recordEvent(manager, this.clock, relationshipEvent('delegated_admin.accepted', after, 'acceptDelegatedAdminOffer'));
      return after;
    });
    return { relationship, terminationCode, terminationUrl: this.terminationUrl(terminationCode) };
  }

  /**
   * The customer admin's sign-in for `offer`: refused while the code or the user name has had too
   * many failures lately. Attempts on the same code or user name take turns (a burst of parallel
   * guesses cannot all pass the limit), and a failure is recorded against both in the database,
   * so it counts on every replica; it never touches the offer.
   */
  private async signIn(
    offer: DelegatedAdminRelationshipRow,
    codeHash: string,
    credentials: { userName: string; password: string },
  ): Promise<CustomerUserRow> {
    const userName = enteredUserName(credentials.userName);
    const subjects = [`code:${codeHash}`, ...(userName ? [`user:${userName}`] : [])];
    const outcome = await this.db.transaction(async (manager) => {
      await this.signInFailures.lockSubjects(manager, subjects);
      const now = this.clock.now();
      checkSignInAttempts(await this.signInFailures.mostSince(subjects, signInWindowStart(now), manager));
      const user = userName ? await this.users.byUserName(userName, manager) : null;
      const passwordMatches = await verifyPassword(credentials.password, user?.passwordHash ?? (await this.noUserHash));
      try {
        return { admin: acceptingAdmin(user, offer, passwordMatches) };
      } catch (refusal) {
        // Kept: the refusal is answered after this transaction commits the failure.
        await this.signInFailures.record(subjects, now, signInWindowStart(now), manager);
        return { refusal };
      }
    });
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.admin;
  }

  /** Partner side (Who may (docs/api.md, "Who may do what"): DELEGATED_ADMIN + CLOUD_ESSENTIALS + FULL). */
  async terminate(actor: Actor, id: string): Promise<DelegatedAdminRelationshipRow> {
    const viewer = authorize(actor.viewer, MANAGE_DELEGATED_ADMIN);
    if (!isUuid(id)) throw notFound('Delegated-admin relationship', 'id');
    return this.end(actor, { id, partnerId: viewer.partnerId }, 'terminateDelegatedAdminRelationship', () =>
      notFound('Delegated-admin relationship', 'id'),
    );
  }

  /** Customer side, unauthenticated: the termination code handed out at acceptance ends the relationship. */
  async terminateAsCustomer(actor: Actor, code: string): Promise<DelegatedAdminRelationshipRow> {
    const invalid = () =>
      new DomainError('INVALID_CODE', 'This termination code is not valid (unknown, or the relationship has already ended)', 'code');
    const entered = enteredCode(code);
    if (entered === null) throw invalid();
    return this.end(actor, { terminationCodeHash: sha256(entered) }, 'endDelegatedAdminRelationship', invalid);
  }

  private async end(
    actor: Actor,
    where: { id: string; partnerId: string } | { terminationCodeHash: string },
    operation: string,
    unknown: () => Error,
  ): Promise<DelegatedAdminRelationshipRow> {
    return this.db.transaction(async (manager) => {
      const before = await this.store.lock(manager, where);
      if (!before) throw unknown();
      const now = this.clock.now();
      const after = terminated(before, now);
      if (!after) {
        // A customer's spent termination code is just invalid; the partner learns the status.
        if ('terminationCodeHash' in where) throw unknown();
        throw new DomainError('INVALID_STATUS_TRANSITION', `This relationship is already ${effectiveStatus(before, now)}`, 'id');
      }
      await this.store.save(after, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          partnerId: before.partnerId,
          operation,
          resourceType: 'DelegatedAdminRelationship',
          resourceId: before.id,
          customerId: before.customerId,
          oldValue: auditView(before),
          newValue: auditView(after),
        },
      );
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
      const due = await this.store.lockDueExpiries(manager, now);
      const requestId = `delegated-admin-expiry:${now.toISOString()}`;
      for (const before of due) {
        const after = expired(before);
        await this.store.save(after, manager);
        await writeAudit(
          manager,
          { viewer: { kind: 'system' }, requestId, clock: this.clock },
          {
            partnerId: before.partnerId,
            operation: 'expireDelegatedAdminRelationship',
            resourceType: 'DelegatedAdminRelationship',
            resourceId: before.id,
            customerId: before.customerId,
            oldValue: auditView(before),
            newValue: auditView(after),
          },
        );
        await recordEvent(
          manager,
          this.clock,
          relationshipEvent('delegated_admin.expired', after, before.status === 'PENDING' ? 'offerExpired' : 'relationshipExpired'),
        );
      }
      return due.length;
    });
  }

  /** The customer's page that ends a relationship with its termination code. */
  terminationUrl(code: string): string {
    return delegatedAdminTerminationUrl(this.publicAcceptUrl, code);
  }
}
