import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { authorize, DomainError, idempotent, isUuid, notFound, Problems, writeAudit, type Clock, type PartnerViewer } from '@partner-graph/platform';
import { ServiceRequest, ServiceRequestNote, type ServiceRequestRow, type ServiceRequestSeverity } from '../db/index.js';
import { customerOfViewer } from './access.js';
import type { Actor } from './rules.js';

/** Opening and updating service requests: FULL or LIMITED with admin rights on the customer. */
const HANDLE_REQUESTS = { customerAccess: ['FULL', 'LIMITED'] } as const;

const auditView = (request: ServiceRequestRow) => ({ title: request.title, severity: request.severity, status: request.status });

/** Service requests a partner opens for a customer; each partner sees only its own. */
export class ServiceRequests {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, customerId: string, input: { title: string; description: string; severity: ServiceRequestSeverity }, idempotencyKey: string | null | undefined): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    const problems = new Problems();
    if (!input.title.trim()) problems.add('VALIDATION_FAILED', 'Title is required', 'input.title');
    else if (input.title.trim().length > 200) problems.add('VALIDATION_FAILED', 'Title: at most 200 characters', 'input.title');
    if (!input.description.trim()) problems.add('VALIDATION_FAILED', 'Description is required', 'input.description');
    const receipt = await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId, { admin: 'LIMITED' });
      problems.throwIfAny();
      return idempotent(manager, { scope: viewer.partnerId, operation: 'createServiceRequest', key: idempotencyKey, request: { customerId, input }, clock: this.clock }, async () => {
        const now = this.clock.now();
        const request: ServiceRequestRow = {
          id: randomUUID(),
          customerId: customer.id,
          partnerId: viewer.partnerId,
          title: input.title.trim(),
          description: input.description.trim(),
          severity: input.severity,
          status: 'OPEN',
          createdAt: now,
          updatedAt: now,
          closedAt: null,
        };
        await manager.insert(ServiceRequest, request);
        await writeAudit(manager, { ...actor, clock: this.clock }, { operation: 'createServiceRequest', resourceType: 'ServiceRequest', resourceId: request.id, customerId: customer.id, newValue: auditView(request) });
        return { id: request.id };
      });
    });
    return this.db.getRepository(ServiceRequest).findOneByOrFail({ id: receipt.id });
  }

  /** A partner's note; a request waiting for the partner (ATTENTION_NEEDED) goes back to OPEN. */
  async addNote(actor: Actor, id: string, text: string): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    if (!text.trim()) throw new DomainError('VALIDATION_FAILED', 'The note is empty', 'text');
    return this.change(actor, viewer, id, 'addServiceRequestNote', async (manager, request) => {
      if (request.status === 'CLOSED') throw new DomainError('INVALID_STATUS_TRANSITION', 'This service request is closed', 'id');
      await manager.insert(ServiceRequestNote, { id: randomUUID(), serviceRequestId: id, authorUserId: viewer.userId, text: text.trim(), createdAt: this.clock.now() });
      return { ...request, status: 'OPEN' };
    });
  }

  async close(actor: Actor, id: string): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    return this.change(actor, viewer, id, 'closeServiceRequest', async (_manager, request) => {
      if (request.status === 'CLOSED') throw new DomainError('INVALID_STATUS_TRANSITION', 'This service request is already closed', 'id');
      return { ...request, status: 'CLOSED', closedAt: this.clock.now() };
    });
  }

  private async change(
    actor: Actor,
    viewer: PartnerViewer,
    id: string,
    operation: string,
    change: (manager: EntityManager, request: ServiceRequestRow) => Promise<ServiceRequestRow>,
  ): Promise<ServiceRequestRow> {
    if (!isUuid(id)) throw notFound('Service request', 'id');
    return this.db.transaction(async (manager) => {
      const request = await manager.findOne(ServiceRequest, { where: { id, partnerId: viewer.partnerId }, lock: { mode: 'pessimistic_write' } });
      if (!request) throw notFound('Service request', 'id');
      await customerOfViewer(manager, this.clock, viewer, request.customerId, { admin: 'LIMITED', field: 'id' });
      const after = { ...(await change(manager, request)), updatedAt: this.clock.now() };
      await manager.save(ServiceRequest, after);
      await writeAudit(manager, { ...actor, clock: this.clock }, { operation, resourceType: 'ServiceRequest', resourceId: id, customerId: request.customerId, oldValue: auditView(request), newValue: auditView(after) });
      return after;
    });
  }
}
