// Hive Gateway in front of the five subgraphs, by configuration only:
//   ROUTER_SIGNING_SECRET=… npx hive-gateway supergraph -c deploy/hive-gateway.config.ts   (from the repository root)
// It signs every subgraph request with the secret the subgraphs share (`hmacSignature`), and
// forwards the client's token (each subgraph authenticates the user itself) and request id.
// `<SUBGRAPH>_URL` moves a subgraph from where `schema/supergraph.graphql` says (`npm start`'s ports).
import { defineConfig } from '@graphql-hive/gateway';

const secret = process.env.ROUTER_SIGNING_SECRET;
if (!secret) throw new Error('ROUTER_SIGNING_SECRET: the secret the subgraphs share with the router');

const subgraphUrls = {
  partner: process.env.PARTNER_URL,
  customer: process.env.CUSTOMER_URL,
  subscription: process.env.SUBSCRIPTION_URL,
  offer: process.env.OFFER_URL,
  'licensing-key': process.env.LICENSING_KEY_URL,
};

export const gatewayConfig = defineConfig({
  supergraph: './schema/supergraph.graphql',
  hmacSignature: { secret },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({
      authorization: request.headers.get('authorization'),
      'x-request-id': request.headers.get('x-request-id'),
    }),
  },
  transportEntries: Object.fromEntries(
    Object.entries(subgraphUrls).flatMap(([name, location]) => (location ? [[name, { location }]] : [])),
  ),
});
