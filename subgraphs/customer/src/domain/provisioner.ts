import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  isUuid,
  ProvisionSubscriptionDocument,
  ServiceCallError,
  ServiceUnavailableError,
  writeAudit,
  recordEvent,
  refuseOnErrors,
  type Clock,
  type FlowDefinition,
  type FlowFailure,
  type FlowRecord,
  type Flows,
  type ServiceClient,
} from '@partner-graph/platform';
import type { CustomerStore, PlannedSubscriptionRow, ProvisioningState } from '../db/index.js';

/** What a customer's provisioning flow was started with (its id is the customer's). */
export interface ProvisioningInput {
  partnerId: string | null;
  adminUserId: string;
  subscriptions: PlannedSubscriptionRow[];
}

/** The steps' names: the tenant, then each planned subscription by its index (its idempotency key is `<customerId>:<index>`). */
const TENANT = 'tenant';

/**
 * Provisions a new customer account as a durable flow (the platform's `Flows`): its tenant,
 * then each requested subscription (through the subscription subgraph), then ACTIVE. A failure
 * shows the customer FAILED with its reason; a service that was down is tried again by the
 * flow's job and sweep, a refusal only when the partner retries (`retryCustomerProvisioning`).
 */
export class Provisioner {
  readonly flow: FlowDefinition<ProvisioningInput>;

  constructor(
    private readonly clock: Clock,
    private readonly services: ServiceClient,
    private readonly flows: Flows,
    private readonly customers: CustomerStore,
  ) {
    this.flow = flows.define<ProvisioningInput>({
      kind: 'customer-provisioning',
      run: async ({ flow, step }) => {
        await step(TENANT, () => this.customers.assignTenant(flow.id, randomUUID()));
        for (const [index, planned] of flow.input.subscriptions.entries()) {
          await step(String(index), (idempotencyKey) => this.provisionSubscription(flow, index, planned, idempotencyKey));
        }
      },
      succeeded: (manager, flow) => this.succeeded(manager, flow),
      failure: (error) => failureOf(error),
      failed: (manager, flow, failure) => this.failed(manager, flow, failure),
    });
  }

  /** Records a new account's provisioning in the caller's transaction; it runs once that commits. */
  start(manager: EntityManager, customerId: string, input: ProvisioningInput): Promise<void> {
    return this.flows.start(manager, this.flow, customerId, input);
  }

  /** The partner retries a FAILED account (in the caller's transaction): its provisioning runs again, keeping the finished steps. */
  restart(manager: EntityManager, customerId: string): Promise<void> {
    return this.flows.restart(manager, customerId);
  }

  /** Runs (or resumes) the provisioning of `customerId` now; returns the customer's state. Throws when a step failed. */
  async provision(customerId: string): Promise<ProvisioningState | null> {
    if (!isUuid(customerId)) return null;
    await this.flows.run(customerId);
    const customer = await this.customers.find(customerId);
    return customer?.provisioningState ?? null;
  }

  private subscriptionIds(flow: FlowRecord<ProvisioningInput>): (string | null)[] {
    return flow.input.subscriptions.map((_, index) => (flow.steps[String(index)] as string | undefined) ?? null);
  }

  private async succeeded(manager: EntityManager, flow: FlowRecord<ProvisioningInput>): Promise<void> {
    const customerId = flow.id;
    const ids = this.subscriptionIds(flow);
    const before = await this.customers.get(customerId, manager);
    const now = this.clock.now();
    await this.customers.setProvisioning(customerId, { provisioningState: 'ACTIVE', provisioningError: null, updatedAt: now }, manager);
    await writeAudit(
      manager,
      { viewer: { kind: 'system' }, requestId: `provision:${customerId}`, clock: this.clock },
      {
        partnerId: flow.input.partnerId,
        operation: 'provisionCustomer',
        resourceType: 'Customer',
        resourceId: customerId,
        customerId,
        oldValue: { provisioningState: before.provisioningState },
        newValue: { provisioningState: 'ACTIVE', subscriptionIds: ids },
      },
    );
    await recordEvent(manager, this.clock, {
      type: 'customer.provisioned',
      partnerId: flow.input.partnerId,
      objectType: 'Customer',
      objectId: customerId,
      data: {
        provisioningState: 'ACTIVE',
        subscriptionIds: ids,
        changes: [{ field: 'provisioningState', from: before.provisioningState, to: 'ACTIVE' }],
      },
    });
  }

  /**
   * The customer shows FAILED with the reason. The audit record and the event tell each change
   * of it, not each retry: a service down for an hour is one failure, however often it is tried.
   */
  private async failed(manager: EntityManager, flow: FlowRecord<ProvisioningInput>, failure: FlowFailure): Promise<void> {
    const customerId = flow.id;
    const before = await this.customers.get(customerId, manager);
    if (before.provisioningState === 'FAILED' && before.provisioningError === failure.reason) return;
    await this.customers.setProvisioning(
      customerId,
      { provisioningState: 'FAILED', provisioningError: failure.reason, updatedAt: this.clock.now() },
      manager,
    );
    await writeAudit(
      manager,
      { viewer: { kind: 'system' }, requestId: `provision:${customerId}`, clock: this.clock },
      {
        partnerId: flow.input.partnerId,
        operation: 'provisionCustomer',
        resourceType: 'Customer',
        resourceId: customerId,
        customerId,
        newValue: { provisioningState: 'FAILED', provisioningError: failure.reason },
        outcome: 'FAILURE',
      },
    );
    await recordEvent(manager, this.clock, {
      type: 'customer.provisioning_failed',
      partnerId: flow.input.partnerId,
      objectType: 'Customer',
      objectId: customerId,
      data: { provisioningState: 'FAILED', provisioningError: failure.reason, attempts: flow.attempts },
    });
  }

  private async provisionSubscription(
    flow: FlowRecord<ProvisioningInput>,
    index: number,
    planned: PlannedSubscriptionRow,
    idempotencyKey: string,
  ): Promise<string> {
    const customerId = flow.id;
    const data = await this.services.call(
      'subscription',
      ProvisionSubscriptionDocument,
      {
        input: {
          customerId,
          partnerId: planned.partnerId,
          offerId: planned.offerId,
          quantity: planned.quantity,
          channel: planned.channel,
          termMonths: planned.termMonths,
          isTrial: planned.isTrial,
          assignLicenceToUserId: flow.input.adminUserId,
        },
        idempotencyKey,
      },
      { viewer: { kind: 'system' }, requestId: `provision:${customerId}` },
    );
    // A refusal is shown to the partner as the account's `provisioningError`.
    return refuseOnErrors(data.provisionSubscription, {
      produces: 'subscriptionId',
      missing: `Subscription ${index + 1} was not created`,
      reason: (error) => `Subscription ${index + 1} was refused: ${error.code}: ${error.message}`,
    }).subscriptionId;
  }
}

function failureOf(error: unknown): FlowFailure {
  if (error instanceof ServiceUnavailableError)
    return { reason: 'The subscription service is unavailable; provisioning will be retried', final: false };
  if (error instanceof ServiceCallError) return { reason: `The subscription service refused the request: ${error.message}`, final: false };
  return { reason: 'Provisioning failed unexpectedly; it will be retried', final: false };
}
