import type { CallContext, PayloadError, ServiceClient } from '@partner-graph/platform';
import type { AccountRequest } from '../db/index.js';

const CREATE_CUSTOMER_ACCOUNT = `mutation CreateCustomerAccount($input: CustomerAccountInput!, $idempotencyKey: String!) {
  createCustomerAccount(input: $input, idempotencyKey: $idempotencyKey) {
    customerId adminUserId adminUserName temporaryPassword errors { code message field }
  }
}`;

const CUSTOMER_ACCESS = `query CustomerAccess($partnerId: ID!, $customerIds: [ID!]!) {
  customerAccess(partnerId: $partnerId, customerIds: $customerIds) { customerId provisioningState }
}`;

export type ProvisioningState = 'PROVISIONING' | 'ACTIVE' | 'FAILED';

export type CreatedAccount =
  | { ok: true; customerId: string; adminUserId: string | null; adminUserName: string | null; temporaryPassword: string | null }
  | { ok: false; errors: PayloadError[] };

/** The customer subgraph's internal contract, as the acceptances use it (service-to-service calls). */
export class CustomerAccountsClient {
  constructor(private readonly services: ServiceClient) {}

  /** Creates (or, on the same key, returns) the account; throws ServiceUnavailableError / ServiceCallError when it could not answer. */
  async create(as: CallContext, input: AccountRequest, idempotencyKey: string): Promise<CreatedAccount> {
    const data = await this.services.query<{
      createCustomerAccount: { customerId: string | null; adminUserId: string | null; adminUserName: string | null; temporaryPassword: string | null; errors: PayloadError[] };
    }>('customer', CREATE_CUSTOMER_ACCOUNT, { input, idempotencyKey }, as);
    const result = data.createCustomerAccount;
    if (result.errors.length > 0 || !result.customerId) {
      return { ok: false, errors: result.errors.length > 0 ? result.errors : [{ code: 'VALIDATION_FAILED', message: 'The account was not created', field: null }] };
    }
    return { ok: true, customerId: result.customerId, adminUserId: result.adminUserId, adminUserName: result.adminUserName, temporaryPassword: result.temporaryPassword };
  }

  async provisioningStates(as: CallContext, partnerId: string, customerIds: string[]): Promise<Map<string, ProvisioningState>> {
    const data = await this.services.query<{ customerAccess: { customerId: string; provisioningState: ProvisioningState }[] }>(
      'customer',
      CUSTOMER_ACCESS,
      { partnerId, customerIds },
      as,
    );
    return new Map(data.customerAccess.map((row) => [row.customerId, row.provisioningState]));
  }
}
