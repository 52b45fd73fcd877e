import { In, type DataSource, type EntityManager } from 'typeorm';
import { ServiceRequest, ServiceRequestNote, type ServiceRequestNoteRow, type ServiceRequestRow } from './entities.js';

/** Service requests and their notes. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class ServiceRequestStore {
  constructor(private readonly db: DataSource) {}

  get(id: string, manager: EntityManager = this.db.manager): Promise<ServiceRequestRow> {
    return manager.findOneByOrFail(ServiceRequest, { id });
  }

  /** The partner's request under a write lock until the caller's transaction ends; another partner's is null. */
  lockOwn(manager: EntityManager, partnerId: string, id: string): Promise<ServiceRequestRow | null> {
    return manager.findOne(ServiceRequest, { where: { id, partnerId }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(request: ServiceRequestRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(ServiceRequest, request);
  }

  async save(request: ServiceRequestRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.save(ServiceRequest, request);
  }

  async addNote(note: ServiceRequestNoteRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(ServiceRequestNote, note);
  }

  /** The partner's requests for these customers, newest first. */
  ofCustomers(partnerId: string, customerIds: string[], manager: EntityManager = this.db.manager): Promise<ServiceRequestRow[]> {
    return manager.find(ServiceRequest, { where: { customerId: In(customerIds), partnerId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** The requests' notes, oldest first. */
  notesOf(requestIds: string[], manager: EntityManager = this.db.manager): Promise<ServiceRequestNoteRow[]> {
    return manager.find(ServiceRequestNote, { where: { serviceRequestId: In(requestIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
