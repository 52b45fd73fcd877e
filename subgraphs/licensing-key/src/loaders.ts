import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { isUuid } from '@partner-graph/platform';
import { ProductKey, type ProductKeyRow } from './db/index.js';

/** Batches every lookup by id of one request into one `WHERE id = ANY(...)` statement. */
function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length > 0 ? await load([...new Set(valid)]) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function createLoaders(db: DataSource) {
  return {
    productKey: byId<ProductKeyRow>((ids) => db.getRepository(ProductKey).findBy({ id: In(ids) })),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
