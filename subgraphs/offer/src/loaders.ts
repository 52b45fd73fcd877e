import DataLoader from 'dataloader';
import type { Viewer } from '@partner-graph/platform';
import type { OfferAcceptanceRow, OfferRow, PurchaseOfferLineRow } from './db/index.js';
import type { AcceptedAccount, Acceptances } from './domain/acceptances.js';
import type { Catalogue } from './domain/catalogue.js';
import type { Invitations } from './domain/invitations.js';

/**
 * Per-request loaders: every offer lookup of one request (references, prerequisites, invitation
 * lines) becomes one statement, already restricted to the offers the viewer's partner may sell;
 * the accounts of a list of acceptances, one call to the customer subgraph.
 */
export function createLoaders(viewer: Viewer, catalogue: Catalogue, invitations: Invitations, acceptances: Acceptances) {
  return {
    offer: new DataLoader<string, OfferRow | null>(async (ids) => {
      if (viewer.kind !== 'partner-user') return ids.map(() => null);
      const found = new Map((await catalogue.visibleByIds(viewer.partnerId, ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    purchaseOfferLines: new DataLoader<string, PurchaseOfferLineRow[]>(async (ids) => {
      const lines = await invitations.linesOf(ids);
      return ids.map((id) => lines.filter((line) => line.purchaseOfferId === id));
    }),
    // The customer subgraph's word on the accounts of a page of acceptances: one call per partner.
    acceptedAccount: new DataLoader<OfferAcceptanceRow, AcceptedAccount | null, string>((rows) => acceptances.accountsOf(rows), {
      cacheKeyFn: (row) => row.id,
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
