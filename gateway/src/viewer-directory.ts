import { LRUCache } from 'lru-cache';
import { unauthenticated, type PartnerViewer, type ServiceClient } from '@partner-graph/platform';

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
  private readonly cache = new LRUCache<string, { viewer: PartnerViewer | null }>({ max: 10_000, ttl: 30_000 });

  constructor(private readonly partner: ServiceClient) {}

  async resolve(subject: string, requestId: string): Promise<PartnerViewer> {
    let entry = this.cache.get(subject);
    if (!entry) {
      const data = await this.partner.query<{ viewerContext: Omit<PartnerViewer, 'kind'> | null }>(
        'partner',
        VIEWER_QUERY,
        { subject },
        { viewer: { kind: 'system' }, requestId },
      );
      entry = { viewer: data.viewerContext ? { kind: 'partner-user', ...data.viewerContext } : null };
      // Unknown subjects are remembered briefly only, so a user created a moment ago can sign in.
      this.cache.set(subject, entry, { ttl: entry.viewer ? 30_000 : 5_000 });
    }
    if (!entry.viewer) throw unauthenticated('Unknown or deactivated user');
    return entry.viewer;
  }
}
