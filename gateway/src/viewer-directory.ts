import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { isUnavailable, unauthenticated, type PartnerViewer, type ServiceClient } from '@partner-graph/platform';

const VIEWER_QUERY = /* GraphQL */ `
  query ViewerContext($subject: String!) {
    viewerContext(subject: $subject) { partnerId userId companyRole customerAccess programs }
  }
`;

/**
 * Resolves a token subject into the viewer context from the partner directory, cached at
 * most 30 s so a deactivated user or a changed role takes effect within that time.
 */
export class ViewerDirectory {
  private readonly cache: LRUCache<string, { viewer: PartnerViewer | null }>;

  constructor(
    private readonly partner: ServiceClient,
    private readonly ttlMs: number,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(ttlMs, 1) });
  }

  async resolve(subject: string, requestId: string): Promise<PartnerViewer> {
    let entry = this.cache.get(subject);
    if (!entry) {
      let data: { viewerContext: Omit<PartnerViewer, 'kind'> | null };
      try {
        data = await this.partner.query('partner', VIEWER_QUERY, { subject }, { viewer: { kind: 'system' }, requestId });
      } catch (error) {
        // Without the directory no request can be authorised: the whole request is 503, not 500.
        if (!isUnavailable(error)) throw error;
        throw new GraphQLError('The partner service is unavailable; try again shortly', {
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'partner', http: { status: 503 } },
          originalError: error as Error,
        });
      }
      entry = { viewer: data.viewerContext ? { kind: 'partner-user', ...data.viewerContext } : null };
      // Unknown subjects are remembered briefly only, so a user created a moment ago can sign in.
      this.cache.set(subject, entry, { ttl: Math.max(1, entry.viewer ? this.ttlMs : Math.min(this.ttlMs, 5_000)) });
    }
    if (!entry.viewer) throw unauthenticated('Unknown or deactivated user', { http: 401 });
    return entry.viewer;
  }
}
