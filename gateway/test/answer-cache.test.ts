import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { PartnerViewer, Viewer } from '@partner-graph/platform';
import { AnswerCache, type Answer } from '../src/answer-cache.js';

const agent: PartnerViewer = {
  kind: 'partner-user',
  partnerId: 'contoso',
  userId: 'agent',
  companyRole: 'NONE',
  customerAccess: 'FULL',
  programs: ['RESELLER', 'SUBSCRIPTION_ADVISOR'],
};
const secondAgent: PartnerViewer = { ...agent, userId: 'agent2', programs: ['SUBSCRIPTION_ADVISOR', 'RESELLER'] };
const helpdesk: PartnerViewer = { ...agent, userId: 'helpdesk', customerAccess: 'LIMITED' };
const otherPartner: PartnerViewer = { ...agent, partnerId: 'fabrikam', userId: 'fabrikam-admin' };

function cacheAt(clock: { ms: number }) {
  return new AnswerCache({ maxBytes: 1 << 20, maxAgeSeconds: 30, clock: { now: () => new Date(clock.ms) }, registry: new Registry() });
}
const answer = (cacheControl: string | null, body = '{"data":{"ok":true}}'): Answer => ({ status: 200, body, cacheControl });
const keysOf = (cache: AnswerCache, viewer: Viewer | undefined, variables: unknown = { id: '1' }) =>
  cache.keysFor(viewer, 'customer', 'query Q($id: ID!) { customer(id: $id) { id } }', variables, 'Q');

describe('AnswerCache', () => {
  it("shares a PUBLIC answer with the partner's users of the same access only", () => {
    const cache = cacheAt({ ms: 0 });
    cache.keep(keysOf(cache, agent), answer('max-age=30, public'), 'customer', cache.begin());
    expect(cache.find(keysOf(cache, secondAgent)!, 'customer')?.answer.body).toBe('{"data":{"ok":true}}');
    expect(cache.find(keysOf(cache, helpdesk)!, 'customer')).toBeUndefined();
    expect(cache.find(keysOf(cache, otherPartner)!, 'customer')).toBeUndefined();
    expect(cache.find(keysOf(cache, agent, { id: '2' })!, 'customer')).toBeUndefined();
  });

  it('keeps a PRIVATE answer for its user alone', () => {
    const cache = cacheAt({ ms: 0 });
    const kept = cache.keep(keysOf(cache, agent), answer('max-age=30, private'), 'customer', cache.begin());
    expect(kept?.shared).toBe(false);
    expect(cache.find(keysOf(cache, agent)!, 'customer')?.shared).toBe(false);
    expect(cache.find(keysOf(cache, secondAgent)!, 'customer')).toBeUndefined();
  });

  it('keeps nothing without a hint, with max-age 0, for an error status, or for a caller who is not a partner user', () => {
    const cache = cacheAt({ ms: 0 });
    for (const refused of [
      answer(null),
      answer('no-store'),
      answer('max-age=0, public'),
      { ...answer('max-age=30, public'), status: 400 },
    ]) {
      expect(cache.keep(keysOf(cache, agent), refused, 'customer', cache.begin())).toBeNull();
    }
    expect(cache.find(keysOf(cache, agent)!, 'customer')).toBeUndefined();
    expect(keysOf(cache, { kind: 'anonymous' })).toBeNull();
    expect(keysOf(cache, undefined)).toBeNull();
  });

  it('lets an answer go at its max-age, at most 30 s, on its clock', () => {
    const clock = { ms: 0 };
    const cache = cacheAt(clock);
    cache.keep(keysOf(cache, agent), answer('max-age=3600, public'), 'customer', cache.begin());
    clock.ms = 29_999;
    expect(cache.find(keysOf(cache, agent)!, 'customer')).toBeDefined();
    clock.ms = 30_000;
    expect(cache.find(keysOf(cache, agent)!, 'customer')).toBeUndefined();
  });

  it('forgets everything on a change, and does not keep an answer asked for before it', () => {
    const cache = cacheAt({ ms: 0 });
    cache.keep(keysOf(cache, agent), answer('max-age=30, public'), 'customer', cache.begin());
    const since = cache.begin();
    cache.forget();
    expect(cache.find(keysOf(cache, agent)!, 'customer')).toBeUndefined();
    expect(cache.keep(keysOf(cache, agent), answer('max-age=30, public'), 'customer', since)).toBeNull();
  });

  it('serves and keeps nothing while a database feed is down', () => {
    const cache = cacheAt({ ms: 0 });
    cache.keep(keysOf(cache, agent), answer('max-age=30, public'), 'customer', cache.begin());
    cache.feedDown('offer');
    expect(keysOf(cache, agent)).toBeNull();
    cache.feedUp('offer');
    expect(cache.find(keysOf(cache, agent)!, 'customer')).toBeUndefined();
  });

  it('keeps a whole result only when every answer in it was shared, until the soonest expires', () => {
    const clock = { ms: 0 };
    const cache = cacheAt(clock);
    const key = keysOf(cache, agent)!.shared;
    cache.keepResult(key, { data: 1 }, { shared: false, expiresAt: 10_000, bytes: 10 }, cache.begin());
    expect(cache.findResult(key)).toBeUndefined();
    cache.keepResult(key, { data: 2 }, { shared: true, expiresAt: Number.POSITIVE_INFINITY, bytes: 0 }, cache.begin());
    expect(cache.findResult(key)).toBeUndefined();
    cache.keepResult(key, { data: 3 }, { shared: true, expiresAt: 10_000, bytes: 10 }, cache.begin());
    expect(cache.findResult(key)).toEqual({ data: 3 });
    clock.ms = 10_000;
    expect(cache.findResult(key)).toBeUndefined();
  });
});
