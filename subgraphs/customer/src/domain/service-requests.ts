import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { authorize, idempotent, isUuid, notFound, writeAudit, type Clock, type PartnerViewer, type Actor } from '@partner-graph/platform';
import type { ServiceRequestRow, ServiceRequestSeverity, ServiceRequestStore } from '../db/index.js';
import { customerOfViewer } from './access.js';
import { closed, noted, readNote, readServiceRequest } from './rules.js';

/** Opening and updating service requests: FULL or LIMITED with admin rights on the customer. */
const HANDLE_REQUESTS = { customerAccess: ['FULL', 'LIMITED'] } as const;

const auditView = (request: ServiceRequestRow) => ({ title: request.title, severity: request.severity, status: request.status });

/** Service requests a partner opens for a customer; each partner sees only its own. */
export class ServiceRequests {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly store: ServiceRequestStore,
  ) {}

  async create(
    actor: Actor,
    customerId: string,
    input: { title: string; description: string; severity: ServiceRequestSeverity },
    idempotencyKey: string | null | undefined,
  ): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    const receipt = await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId, { admin: 'LIMITED' });
      // The customer first: an unrelated one answers NOT_FOUND whatever the input.
      const { title, description } = readServiceRequest(input);
      return idempotent(
        manager,
        {
          scope: viewer.partnerId,
          operation: 'createServiceRequest',
          key: idempotencyKey,
          request: { customerId, input },
          clock: this.clock,
        },
        async () => {
          const now = this.clock.now();
          const request: ServiceRequestRow = {
            id: randomUUID(),
            customerId: customer.id,
            partnerId: viewer.partnerId,
            title,
            description,
            severity: input.severity,
            status: 'OPEN',
            createdAt: now,
            updatedAt: now,
            closedAt: null,
          };
          await this.store.insert(request, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'createServiceRequest',
              resourceType: 'ServiceRequest',
              resourceId: request.id,
              customerId: customer.id,
              newValue: auditView(request),
            },
          );
          return { id: request.id };
        },
      );
    });
    return this.store.get(receipt.id);
  }

  /** A partner's note; a request waiting for the partner (ATTENTION_NEEDED) goes back to OPEN. */
  async addNote(actor: Actor, id: string, text: string): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    const note = readNote(text);
    return this.change(actor, viewer, id, 'addServiceRequestNote', async (manager, request) => {
      const after = noted(request);
      await this.store.addNote(
        { id: randomUUID(), serviceRequestId: id, authorUserId: viewer.userId, text: note, createdAt: this.clock.now() },
        manager,
      );
      return after;
    });
  }

  async close(actor: Actor, id: string): Promise<ServiceRequestRow> {
    const viewer = authorize(actor.viewer, HANDLE_REQUESTS);
    return this.change(actor, viewer, id, 'closeServiceRequest', async (_manager, request) => closed(request, this.clock.now()));
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
      const request = await this.store.lockOwn(manager, viewer.partnerId, id);
      if (!request) throw notFound('Service request', 'id');
      await customerOfViewer(manager, this.clock, viewer, request.customerId, { admin: 'LIMITED', field: 'id' });
      const after = { ...(await change(manager, request)), updatedAt: this.clock.now() };
      await this.store.save(after, manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation,
          resourceType: 'ServiceRequest',
          resourceId: id,
          customerId: request.customerId,
          oldValue: auditView(request),
          newValue: auditView(after),
        },
      );
      return after;
    });
  }
}
