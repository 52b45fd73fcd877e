import { describe, expect, it } from 'vitest';
import { recordableTarget } from '../src/tracing.js';

describe('what a span records of a request target', () => {
  it("replaces the customer-facing links' codes", () => {
    expect(recordableTarget('/accept/delegated-admin/Zm9vYmFyYmF6cXV4LXRoZS1jb2Rl')).toBe('/accept/delegated-admin/:code');
    expect(recordableTarget('/accept/delegated-admin/end/dGVybWluYXRpb24tY29kZQ')).toBe('/accept/delegated-admin/end/:code');
    expect(recordableTarget('/accept/trial/ADVISOR1/aW52aXRhdGlvbi1jb2Rl')).toBe('/accept/trial/:code/:code');
    expect(recordableTarget('/accept/purchase/ADVISOR1/b2ZmZXItY29kZQ?lang=fr')).toBe('/accept/purchase/:code/:code?lang=:value');
  });

  it('keeps the names of query parameters, never their values', () => {
    expect(recordableTarget('/graphql?query={me{email}}&variables={"password":"hunter2"}')).toBe('/graphql?query=:value&variables=:value');
    expect(recordableTarget('/graphql')).toBe('/graphql');
    expect(recordableTarget('/customers/42?tab=users')).toBe('/customers/42?tab=:value');
  });
});
