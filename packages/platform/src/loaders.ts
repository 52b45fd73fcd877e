import DataLoader from 'dataloader';
import { isUuid } from './validation.js';

/**
 * Per-request batching (STYLE: every `__resolveReference` and list child goes through one):
 * all the ids asked for while a request resolves become one `WHERE id = ANY(...)` statement.
 * Ids that are not UUIDs never reach SQL; they resolve to nothing.
 */
export function loaderById<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length > 0 ? await load(valid) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** The children of many parents in one statement, grouped by parent id (rows keep `load`'s order). */
export function loaderByParent<T>(parentOf: (row: T) => string, load: (parentIds: string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return new DataLoader(async (parentIds) => {
    const valid = [...new Set(parentIds.filter(isUuid))];
    const rows = valid.length > 0 ? await load(valid) : [];
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const group = groups.get(parentOf(row));
      if (group) group.push(row);
      else groups.set(parentOf(row), [row]);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}
