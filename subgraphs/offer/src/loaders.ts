import DataLoader from 'dataloader';
import type { Viewer } from '@partner-graph/platform';
import type { OfferRow, PurchaseOfferLineRow } from './db/index.js';
import type { Catalogue } from './domain/catalogue.js';
import type { Invitations } from './domain/invitations.js';

/**
 * Per-request loaders: every offer lookup of one request (references, prerequisites, invitation
 * lines) becomes one statement, already restricted to the offers the viewer's partner may sell.
 */
export function createLoaders(viewer: Viewer, catalogue: Catalogue, invitations: Invitations) {
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
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
