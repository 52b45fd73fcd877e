import { CreateCustomerAccountDocument, CustomerAccessDocument, type CallContext, type CustomerAccessInfo, type PayloadError, type ServiceClient } from '@partner-graph/platform';
import type { AccountRequest } from '../db/index.js';

export type ProvisioningState = CustomerAccessInfo['provisioningState'];

export type CreatedAccount =
  | {
      ok: true;
      customerId: string;
      adminUserId: string | null;
      adminUserName: string | null;
      temporaryPassword: string | null;
      delegatedAdminTerminationUrl: string | null;
    }
  | { ok: false; errors: PayloadError[] };

/** The customer subgraph's internal contract, as the acceptances use it (service-to-service calls). */
export class CustomerAccountsClient {
  constructor(private readonly services: ServiceClient) {}

  /** Creates (or, on the same key, returns) the account; throws ServiceUnavailableError / ServiceCallError when it could not answer. */
  async create(as: CallContext, input: AccountRequest, idempotencyKey: string): Promise<CreatedAccount> {
    const data = await this.services.query('customer', CreateCustomerAccountDocument, { input, idempotencyKey }, as);
    const result = data.createCustomerAccount;
    if (result.errors.length > 0 || !result.customerId) {
      return { ok: false, errors: result.errors.length > 0 ? result.errors : [{ code: 'VALIDATION_FAILED', message: 'The account was not created', field: null }] };
    }
    return {
      ok: true,
      customerId: result.customerId,
      adminUserId: result.adminUserId,
      adminUserName: result.adminUserName,
      temporaryPassword: result.temporaryPassword,
      delegatedAdminTerminationUrl: result.delegatedAdminTerminationUrl,
    };
  }

  async provisioningStates(as: CallContext, partnerId: string, customerIds: string[]): Promise<Map<string, ProvisioningState>> {
    const data = await this.services.query('customer', CustomerAccessDocument, { partnerId, customerIds }, as);
    return new Map(data.customerAccess.map((row) => [row.customerId, row.provisioningState]));
  }
}
