import { DomainError } from './errors.js';
import { isUuid } from './validation.js';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export const MAX_PAGE_SIZE = 100;

/** `first` within 1..100 (default 20); a bad value is a payload-free GraphQL input mistake. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new DomainError('VALIDATION_FAILED', `first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** Opaque keyset cursors: the sort key values of the last row, base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values)) return values;
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
}

/**
 * A keyset cursor of (sort key, id) as `toConnection` wrote it: the key a timestamp or a text,
 * the id a UUID. Anything else is VALIDATION_FAILED on `after`, never an SQL error.
 */
export function decodeKeyset(cursor: string | null | undefined, key: 'timestamp' | 'text'): { key: string; id: string } | null {
  const values = decodeCursor(cursor);
  if (!values) return null;
  const [sortKey, id] = values;
  const validKey = typeof sortKey === 'string' && (key === 'text' || !Number.isNaN(Date.parse(sortKey)));
  if (values.length !== 2 || !validKey || typeof id !== 'string' || !isUuid(id))
    throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
  return { key: sortKey, id };
}

/** Builds a connection from `size + 1` rows fetched in order. */
export function toConnection<T>(rows: T[], size: number, cursorOf: (row: T) => unknown[]): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
