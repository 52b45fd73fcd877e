import type { DataSource, EntityManager } from 'typeorm';
import { customerPage, customersOfPartner, type CustomerAccessView } from './customer-views.js';
import { Customer, CustomerPartner, type CustomerPartnerRow, type CustomerRow, type ProvisioningState } from './entities.js';

/** Customer accounts and their partners. Every method takes an optional `EntityManager` so a caller can join its transaction. */
export class CustomerStore {
  constructor(private readonly db: DataSource) {}

  /** The customers among `ids` related to `partnerId`, as it sees them (FOR UPDATE of the customers when `lock`). `ids` must be UUIDs. */
  ofPartner(
    partnerId: string,
    ids: string[],
    now: Date,
    lock = false,
    manager: EntityManager = this.db.manager,
  ): Promise<CustomerAccessView[]> {
    return customersOfPartner(manager, partnerId, ids, now, lock);
  }

  /** One page of the partner's customers by name (see `customerPage`). */
  page(options: Parameters<typeof customerPage>[1], manager: EntityManager = this.db.manager): Promise<CustomerAccessView[]> {
    return customerPage(manager, options);
  }

  find(id: string, manager: EntityManager = this.db.manager): Promise<CustomerRow | null> {
    return manager.findOneBy(Customer, { id });
  }

  get(id: string, manager: EntityManager = this.db.manager): Promise<CustomerRow> {
    return manager.findOneByOrFail(Customer, { id });
  }

  /** Whether a customer has this default domain (case-insensitive). */
  async domainTaken(domain: string, manager: EntityManager = this.db.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM customer WHERE lower(default_domain) = $1`, [domain.toLowerCase()]);
    return rows.length > 0;
  }

  async insert(customer: CustomerRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(Customer, customer);
  }

  /** The customer's relationship with a partner. */
  async relate(link: CustomerPartnerRow, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.insert(CustomerPartner, link);
  }

  async setProvisioning(
    id: string,
    state: { provisioningState: ProvisioningState; provisioningError: string | null; updatedAt: Date },
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    await manager.update(Customer, { id }, state);
  }

  /** The customer's tenant: `tenantId` unless it already has one (a step run again keeps the first). */
  async assignTenant(id: string, tenantId: string): Promise<string | null> {
    await this.db.query(`UPDATE customer SET tenant_id = $2 WHERE id = $1 AND tenant_id IS NULL`, [id, tenantId]);
    const [row]: { tenant_id: string }[] = await this.db.query(`SELECT tenant_id FROM customer WHERE id = $1`, [id]);
    return row?.tenant_id ?? null;
  }
}
