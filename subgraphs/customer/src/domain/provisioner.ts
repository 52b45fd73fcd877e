import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUuid, ServiceCallError, ServiceUnavailableError, writeAudit, recordEvent, type Clock, type Logger, type ServiceClient } from '@partner-graph/platform';
import { Customer, CustomerProvisioning, type ProvisioningState } from '../db/index.js';

const PROVISION_SUBSCRIPTION = `mutation ProvisionSubscription($input: ProvisionSubscriptionInput!, $idempotencyKey: String!) {
  provisionSubscription(input: $input, idempotencyKey: $idempotencyKey) { subscriptionId errors { code message field } }
}`;

interface ProvisionSubscriptionResult {
  provisionSubscription: { subscriptionId: string | null; errors: { code: string; message: string; field: string | null }[] };
}

/** A step of provisioning failed; the reason is shown to the partner as `provisioningError`. */
export class ProvisioningFailure extends Error {}

/**
 * Provisions a new customer account: its tenant, then each requested subscription (through the
 * subscription subgraph), then ACTIVE. Every step is recorded or idempotent, so after a crash at
 * any point a re-run finishes the work without duplicates; a failure leaves FAILED with its reason.
 */
export class Provisioner {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly services: ServiceClient,
    private readonly logger: Logger,
  ) {}

  /** Runs (or resumes) the provisioning of `customerId`; returns the resulting state. Throws when it failed, so a job retries. */
  async provision(customerId: string): Promise<ProvisioningState | null> {
    if (!isUuid(customerId)) return null;
    const work = await this.db.getRepository(CustomerProvisioning).findOneBy({ customerId });
    const customer = await this.db.getRepository(Customer).findOneBy({ id: customerId });
    if (!work || !customer) return null;
    if (work.completedAt && customer.provisioningState === 'ACTIVE') return 'ACTIVE';
    const requestId = `provision:${customerId}`;
    try {
      // Step 1: the tenant (kept if an earlier run created it).
      await this.db.query(`UPDATE customer SET tenant_id = $2 WHERE id = $1 AND tenant_id IS NULL`, [customerId, randomUUID()]);
      // Step 2: each subscription, once: the subscription subgraph is idempotent on `<customerId>:<index>`.
      const ids = [...work.subscriptionIds];
      for (const [index, planned] of work.subscriptions.entries()) {
        if (ids[index]) continue;
        const subscriptionId = await this.provisionSubscription(customerId, index, planned, work.adminUserId, requestId);
        ids[index] = subscriptionId;
        await this.db.query(`UPDATE customer_provisioning SET subscription_ids = $2::jsonb, updated_at = $3 WHERE customer_id = $1`, [customerId, JSON.stringify(ids), this.clock.now()]);
      }
      // Step 3: ACTIVE.
      await this.db.transaction(async (manager) => {
        const now = this.clock.now();
        await manager.update(Customer, { id: customerId }, { provisioningState: 'ACTIVE', provisioningError: null, updatedAt: now });
        await manager.update(CustomerProvisioning, { customerId }, { completedAt: now, attempts: work.attempts + 1, updatedAt: now });
        await writeAudit(manager, { viewer: { kind: 'system' }, requestId, clock: this.clock }, {
          partnerId: work.partnerId,
          operation: 'provisionCustomer',
          resourceType: 'Customer',
          resourceId: customerId,
          customerId,
          oldValue: { provisioningState: customer.provisioningState },
          newValue: { provisioningState: 'ACTIVE', subscriptionIds: ids },
        });
        await recordEvent(manager, this.clock, {
          type: 'customer.provisioned',
          partnerId: work.partnerId,
          objectType: 'Customer',
          objectId: customerId,
          data: { provisioningState: 'ACTIVE', subscriptionIds: ids, changes: [{ field: 'provisioningState', from: customer.provisioningState, to: 'ACTIVE' }] },
        });
      });
      return 'ACTIVE';
    } catch (error) {
      const reason = reasonOf(error);
      this.logger.warn({ err: error, customerId }, 'customer provisioning failed');
      await this.db.transaction(async (manager) => {
        const now = this.clock.now();
        await manager.update(Customer, { id: customerId }, { provisioningState: 'FAILED', provisioningError: reason, updatedAt: now });
        await manager.update(CustomerProvisioning, { customerId }, { attempts: work.attempts + 1, updatedAt: now });
        await writeAudit(manager, { viewer: { kind: 'system' }, requestId, clock: this.clock }, {
          partnerId: work.partnerId,
          operation: 'provisionCustomer',
          resourceType: 'Customer',
          resourceId: customerId,
          customerId,
          newValue: { provisioningState: 'FAILED', provisioningError: reason },
          outcome: 'FAILURE',
        });
        await recordEvent(manager, this.clock, {
          type: 'customer.provisioning_failed',
          partnerId: work.partnerId,
          objectType: 'Customer',
          objectId: customerId,
          data: { provisioningState: 'FAILED', provisioningError: reason, attempts: work.attempts + 1 },
        });
      });
      throw error instanceof ProvisioningFailure ? error : new ProvisioningFailure(reason, { cause: error });
    }
  }

  /** Provisioning work not finished and not failed: what the sweep hands to the queue. */
  async pendingCustomerIds(limit = 500): Promise<string[]> {
    const rows: { customer_id: string }[] = await this.db.query(
      `SELECT p.customer_id FROM customer_provisioning p JOIN customer c ON c.id = p.customer_id
       WHERE p.completed_at IS NULL AND c.provisioning_state = 'PROVISIONING' ORDER BY p.created_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.customer_id);
  }

  private async provisionSubscription(
    customerId: string,
    index: number,
    planned: { offerId: string; quantity: number; channel: string; partnerId: string | null; termMonths: number | null; isTrial: boolean },
    adminUserId: string,
    requestId: string,
  ): Promise<string> {
    const data = await this.services.query<ProvisionSubscriptionResult>(
      'subscription',
      PROVISION_SUBSCRIPTION,
      {
        input: {
          customerId,
          partnerId: planned.partnerId,
          offerId: planned.offerId,
          quantity: planned.quantity,
          channel: planned.channel,
          termMonths: planned.termMonths,
          isTrial: planned.isTrial,
          assignLicenceToUserId: adminUserId,
        },
        idempotencyKey: `${customerId}:${index}`,
      },
      { viewer: { kind: 'system' }, requestId },
    );
    const result = data.provisionSubscription;
    if (result.errors.length > 0 || !result.subscriptionId) {
      const first = result.errors[0];
      throw new ProvisioningFailure(first ? `Subscription ${index + 1} was refused: ${first.code}: ${first.message}` : `Subscription ${index + 1} was not created`);
    }
    return result.subscriptionId;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof ProvisioningFailure) return error.message;
  if (error instanceof ServiceUnavailableError) return 'The subscription service is unavailable; provisioning will be retried';
  if (error instanceof ServiceCallError) return `The subscription service refused the request: ${error.message}`;
  return 'Provisioning failed unexpectedly; it will be retried';
}
