import { DomainError, type CallContext, type PayloadError, type ServiceClient } from '@partner-graph/platform';

const RELEASE = `mutation ReleaseCustomerUserLicences($customerId: ID!, $userId: ID!) {
  releaseCustomerUserLicences(customerId: $customerId, userId: $userId) { subscriptionIds errors { code message field } }
}`;
const REINSTATE = `mutation ReinstateCustomerUserLicences($customerId: ID!, $userId: ID!) {
  reinstateCustomerUserLicences(customerId: $customerId, userId: $userId) {
    subscriptionIds notReinstated { subscriptionId code message } errors { code message field }
  }
}`;

export interface LicenceNotReinstated {
  subscriptionId: string;
  code: 'NO_AVAILABLE_LICENCES' | 'INVALID_STATUS_TRANSITION';
  message: string;
}

/**
 * A customer user's licences, kept by the subscription subgraph: freed when the user is deleted,
 * given back (where seats are free) when it is restored. Both calls are idempotent.
 */
export class TenantLicences {
  constructor(private readonly services: ServiceClient) {}

  async release(as: CallContext, customerId: string, userId: string): Promise<string[]> {
    const data = await this.services.query<{ releaseCustomerUserLicences: { subscriptionIds: string[]; errors: PayloadError[] } }>('subscription', RELEASE, { customerId, userId }, as);
    return answer(data.releaseCustomerUserLicences).subscriptionIds;
  }

  async reinstate(as: CallContext, customerId: string, userId: string): Promise<{ reinstated: string[]; notReinstated: LicenceNotReinstated[] }> {
    const data = await this.services.query<{ reinstateCustomerUserLicences: { subscriptionIds: string[]; notReinstated: LicenceNotReinstated[]; errors: PayloadError[] } }>(
      'subscription',
      REINSTATE,
      { customerId, userId },
      as,
    );
    const result = answer(data.reinstateCustomerUserLicences);
    return { reinstated: result.subscriptionIds, notReinstated: result.notReinstated };
  }
}

function answer<T extends { errors: PayloadError[] }>(result: T): T {
  if (result.errors.length > 0) throw DomainError.of(result.errors);
  return result;
}
