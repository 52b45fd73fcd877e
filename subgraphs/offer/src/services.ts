import type { SubgraphRuntime } from '@partner-graph/platform';
import { Acceptances } from './domain/acceptances.js';
import { Catalogue } from './domain/catalogue.js';
import { CustomerAccountsClient } from './domain/customer-accounts.js';
import { Invitations, type AdvisorCodes, type PartnerContacts } from './domain/invitations.js';

/** The offer subgraph's domain services, built once per runtime (the server and the workers share them). */
export interface OfferSubgraphServices {
  catalogue: Catalogue;
  invitations: Invitations;
  acceptances: Acceptances;
}

/** The partner subgraph owns advisor codes; it answers this internal field for services only. */
function advisorCodesFrom(runtime: SubgraphRuntime): AdvisorCodes {
  return async (partnerId, actor) => {
    const data = await runtime.services.query<{ partnerAdvisorCode: string | null }>(
      'partner',
      'query($partnerId: ID!) { partnerAdvisorCode(partnerId: $partnerId) }',
      { partnerId },
      actor,
    );
    if (!data.partnerAdvisorCode) throw new Error(`Partner ${partnerId} has no advisor code`);
    return data.partnerAdvisorCode;
  };
}

/** The partner subgraph owns the partner's name and contact; it answers this internal field for services only. */
function partnerContactsFrom(runtime: SubgraphRuntime): PartnerContacts {
  return async (partnerId, requestId) => {
    const data = await runtime.services.query<{ partnerContact: { companyName: string; email: string; phone: string; website: string | null } | null }>(
      'partner',
      'query($partnerId: ID!) { partnerContact(partnerId: $partnerId) { companyName email phone website } }',
      { partnerId },
      { viewer: { kind: 'system' }, requestId },
    );
    return data.partnerContact;
  };
}

const built = new WeakMap<SubgraphRuntime, OfferSubgraphServices>();

export function offerServices(runtime: SubgraphRuntime): OfferSubgraphServices {
  let services = built.get(runtime);
  if (!services) {
    const catalogue = new Catalogue(runtime.db);
    const invitations = new Invitations(runtime.db, runtime.clock, catalogue, advisorCodesFrom(runtime), runtime.publicAcceptUrl, partnerContactsFrom(runtime));
    const acceptances = new Acceptances(runtime.db, runtime.clock, catalogue, invitations, new CustomerAccountsClient(runtime.services), runtime.logger);
    services = { catalogue, invitations, acceptances };
    built.set(runtime, services);
  }
  return services;
}
