import type { SubgraphModule, SubgraphName } from '@partner-graph/platform';
import { partnerSubgraph } from '@partner-graph/partner';
import { customerSubgraph } from '@partner-graph/customer';
import { subscriptionSubgraph } from '@partner-graph/subscription';
import { offerSubgraph } from '@partner-graph/offer';
import { licensingKeySubgraph } from '@partner-graph/licensing-key';

/** Every subgraph, for the scripts and the test stack. */
export const MODULES: Record<SubgraphName, SubgraphModule> = {
  partner: partnerSubgraph,
  customer: customerSubgraph,
  subscription: subscriptionSubgraph,
  offer: offerSubgraph,
  'licensing-key': licensingKeySubgraph,
};
