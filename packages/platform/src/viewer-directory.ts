import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from './clock.js';
import { isUnavailable } from './edge.js';
import { unauthenticated } from './errors.js';
import type { ServiceClient } from './service-client.js';
import { ViewerContextDocument } from './service-documents.js';
import type { PartnerViewer } from './viewer.js';

/** How a token subject becomes a viewer: the partner subgraph reads its own table, the others ask it. */
export type ViewerLookup = (subject: string, requestId: string) => Promise<PartnerViewer | null>;

/** Asks the partner subgraph (its internal `viewerContext`), signed as the calling service. */
export function partnerDirectoryLookup(partner: ServiceClient): ViewerLookup {
  return async (subject, requestId) => {
    let data;
    try {
      data = await partner.call('partner', ViewerContextDocument, { subject }, { viewer: { kind: 'system' }, requestId });
    } catch (error) {
      // Without the directory no request can be authorised: the whole request is 503, not 500.
      if (!isUnavailable(error)) throw error;
      throw new GraphQLError('The partner service is unavailable; try again shortly', {
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'partner', http: { status: 503 } },
        originalError: error as Error,
      });
    }
    return data.viewerContext ? { kind: 'partner-user', ...data.viewerContext } : null;
  };
}

/** Unknown subjects are remembered briefly only, so a user created a moment ago can sign in. */
const UNKNOWN_SUBJECT_MS = 5_000;

/**
 * Resolves a token subject into the viewer context from the partner directory, cached at
 * most `ttlMs` (at most 30 s) so a deactivated user or a changed role takes effect within that
 * time. Lifetimes are read on `clock`, so tests move time instead of waiting for it.
 */
export class ViewerDirectory {
  private readonly cache = new LRUCache<string, { viewer: PartnerViewer | null; expiresAt: number }>({ max: 10_000 });

  constructor(
    private readonly lookup: ViewerLookup,
    private readonly ttlMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async resolve(subject: string, requestId: string): Promise<PartnerViewer> {
    const now = this.clock.now().getTime();
    let entry = this.cache.get(subject);
    if (!entry || entry.expiresAt <= now) {
      const viewer = await this.lookup(subject, requestId);
      entry = { viewer, expiresAt: now + (viewer ? this.ttlMs : Math.min(this.ttlMs, UNKNOWN_SUBJECT_MS)) };
      this.cache.set(subject, entry);
    }
    if (!entry.viewer) throw unauthenticated('Unknown or deactivated user', { http: 401 });
    return entry.viewer;
  }
}
