import {
  Flows,
  PartnerAdvisorCodeDocument,
  PartnerContactDocument,
  servicesPerRuntime,
  type SubgraphRuntime,
} from '@partner-graph/platform';
import { AcceptanceStore, InvitationStore, OfferStore } from './db/index.js';
import { Acceptances } from './domain/acceptances.js';
import { Catalogue } from './domain/catalogue.js';
import { Invitations, type AdvisorCodes } from './domain/invitations.js';

/** The offer subgraph's domain services (in every request's context, and the workers'). */
export interface OfferServices {
  catalogue: Catalogue;
  invitations: Invitations;
  acceptances: Acceptances;
  /** The subgraph's durable flows (acceptances), for its workers. */
  flows: Flows;
}

/** The partner subgraph owns advisor codes; it answers this internal field for services only. */
function advisorCodesFrom(runtime: SubgraphRuntime): AdvisorCodes {
  return async (partnerId, actor) => {
    const data = await runtime.serviceClient.call('partner', PartnerAdvisorCodeDocument, { partnerId }, actor);
    if (!data.partnerAdvisorCode) throw new Error(`Partner ${partnerId} has no advisor code`);
    return data.partnerAdvisorCode;
  };
}

/** The offer subgraph's stores, built once per runtime for its services. */
function offerStores(runtime: SubgraphRuntime) {
  return {
    offers: new OfferStore(runtime.db),
    invitations: new InvitationStore(runtime.db),
    acceptances: new AcceptanceStore(runtime.db),
  };
}

export const offerServices = servicesPerRuntime((runtime): OfferServices => {
  const stores = offerStores(runtime);
  const catalogue = new Catalogue(stores.offers);
  // The partner's contact is asked as the system: the customer-facing pages that show it have no partner viewer.
  const invitations = new Invitations(
    runtime.db,
    runtime.clock,
    catalogue,
    advisorCodesFrom(runtime),
    runtime.publicAcceptUrl,
    async (partnerId, requestId) =>
      (await runtime.serviceClient.call('partner', PartnerContactDocument, { partnerId }, { viewer: { kind: 'system' }, requestId }))
        .partnerContact,
    stores.invitations,
    stores.acceptances,
  );
  const flows = new Flows(runtime.db, runtime.clock, runtime.logger);
  const acceptances = new Acceptances(
    runtime.db,
    runtime.clock,
    catalogue,
    invitations,
    runtime.serviceClient,
    flows,
    runtime.publicAcceptUrl,
    stores.acceptances,
    stores.invitations,
  );
  return { catalogue, invitations, acceptances, flows };
});
