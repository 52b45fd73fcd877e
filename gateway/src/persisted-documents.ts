import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';

/**
 * Persisted (trusted) documents: a manifest `{ "[sha256:]<sha256 hash>": "<document text>" }`, as
 * GraphQL Code Generator's client preset emits it, lets a client send `documentId` instead of
 * the document. With `only`, the gateway runs nothing but the manifest's documents, so a
 * leaked token cannot be used to send hand-written queries.
 *
 * Both request shapes are understood: `{ "documentId": "<hash>" }` (GraphQL over HTTP's
 * trusted documents, optionally prefixed `sha256:`) and Apollo's
 * `{ "extensions": { "persistedQuery": { "sha256Hash": "<hash>" } } }`.
 */
export function loadPersistedDocuments(paths: string): Map<string, string> {
  const documents = new Map<string, string>();
  // One manifest per client (the dashboard, another team's app), comma-separated.
  for (const path of paths
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
      throw new Error(`${path}: a persisted-documents manifest is an object of hash → document`);
    }
    for (const [hash, document] of Object.entries(manifest)) {
      if (typeof document !== 'string') throw new Error(`${path}: the document of ${hash} is not a string`);
      // The client preset (6 and later) writes its keys as `sha256:<hash>`; an id is looked up without the prefix.
      documents.set(hash.replace(/^sha256:/, ''), document);
    }
  }
  return documents;
}

interface Operation {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

const refuse = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

/** Express middleware before Apollo's: turns a known `documentId` into its document. */
export function persistedDocuments(documents: Map<string, string>, options: { only: boolean }): RequestHandler {
  return (req, res, next) => {
    const fromQueryString = req.method === 'GET';
    const operation: Operation = fromQueryString ? parseQueryString(req.query as Record<string, unknown>) : ((req.body ?? {}) as Operation);
    if (typeof operation !== 'object' || Array.isArray(operation)) return next();
    const rawId = operation.documentId ?? operation.extensions?.persistedQuery?.sha256Hash;
    const id = typeof rawId === 'string' ? rawId.replace(/^sha256:/, '') : undefined;
    const known = id === undefined ? undefined : documents.get(id);

    if (known !== undefined) {
      const resolved = { ...operation, query: known };
      delete resolved.documentId;
      if (resolved.extensions?.persistedQuery) {
        const { persistedQuery: _resolved, ...rest } = resolved.extensions;
        resolved.extensions = rest;
      }
      if (fromQueryString) {
        // Express 5's req.query is a getter; Apollo reads the query string through it.
        const query: Record<string, unknown> = {
          ...(req.query as Record<string, unknown>),
          query: known,
          extensions: JSON.stringify(resolved.extensions ?? {}),
        };
        delete query.documentId;
        Object.defineProperty(req, 'query', { value: query, configurable: true });
      } else {
        req.body = resolved;
      }
      return next();
    }
    if (options.only) {
      if (id !== undefined)
        return res
          .status(400)
          .json(refuse('PERSISTED_QUERY_NOT_FOUND', 'Unknown document id: this gateway accepts only its persisted documents'));
      return res
        .status(400)
        .json(refuse('PERSISTED_QUERY_ID_REQUIRED', 'This gateway accepts only persisted documents: send a documentId'));
    }
    // Development: an id the manifest does not know (a newer client) falls back to the text sent with it.
    if (operation.documentId !== undefined && typeof operation.query === 'string') {
      if (fromQueryString) return next();
      const { documentId: _unknown, ...rest } = operation;
      req.body = rest;
      return next();
    }
    if (operation.documentId !== undefined) return res.status(400).json(refuse('PERSISTED_QUERY_NOT_FOUND', 'Unknown document id'));
    return next();
  };
}

function parseQueryString(query: Record<string, unknown>): Operation {
  let extensions: Operation['extensions'];
  if (typeof query.extensions === 'string') {
    try {
      extensions = JSON.parse(query.extensions);
    } catch {
      extensions = undefined;
    }
  }
  return { query: query.query, documentId: query.documentId, extensions };
}
