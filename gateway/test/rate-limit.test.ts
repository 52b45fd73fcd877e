import { describe, expect, it, vi } from 'vitest';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { addressKey, BlockLeases } from '../src/rate-limit.js';

// The shared counter is rate-limiter-flexible's in-memory limiter, which counts exactly like the
// PostgreSQL one the gateway uses (test/production.e2e.ts runs that one across two gateways).
const budget = (points: number) => new RateLimiterMemory({ points, duration: 60, keyPrefix: 'test' });
const maxBlockOf = (points: number) => Math.max(1, Math.floor(points / 100));

/** Requests let through before the first refusal, taking turns over the replicas. */
async function allowedUntilRefused(replicas: BlockLeases[], key: string, limit: number): Promise<number> {
  for (let allowed = 0; allowed < limit; allowed++) {
    try {
      await replicas[allowed % replicas.length]!.consume(key);
    } catch (refusal) {
      expect(refusal).toBeInstanceOf(RateLimiterRes);
      return allowed;
    }
  }
  return limit;
}

describe('the rate limit taken in blocks', () => {
  it('counts every request on its own under 200 a minute, exactly', async () => {
    const shared = budget(3);
    const leases = new BlockLeases(shared, maxBlockOf(3));
    expect(await allowedUntilRefused([leases], 'user:a', 10)).toBe(3);
    expect((await shared.get('user:a'))?.consumedPoints).toBe(4);
  });

  it('asks the shared counter once per block for a fast caller', async () => {
    const shared = budget(100_000);
    const consume = vi.spyOn(shared, 'consume');
    const leases = new BlockLeases(shared, maxBlockOf(100_000));
    for (let i = 0; i < 5_000; i++) await leases.consume('user:a');
    // Blocks of 1, 2, 4 … 1000: a dozen writes for 5 000 requests, not 5 000.
    expect(consume.mock.calls.length).toBeLessThan(20);
    const spent = (await shared.get('user:a'))!.consumedPoints;
    expect(spent).toBeGreaterThanOrEqual(5_000);
    expect(spent).toBeLessThan(5_000 + 1_000);
  });

  it('lets requests arriving together wait for one block instead of each asking', async () => {
    const shared = budget(100_000);
    const consume = vi.spyOn(shared, 'consume');
    const leases = new BlockLeases(shared, maxBlockOf(100_000));
    await Promise.all(Array.from({ length: 200 }, () => leases.consume('user:a')));
    expect(consume.mock.calls.length).toBeLessThan(12);
  });

  it('never lets a caller through past the budget, however many replicas share it, and refuses at most a block early per replica', async () => {
    const points = 1_000;
    const shared = budget(points);
    const replicas = [new BlockLeases(shared, maxBlockOf(points)), new BlockLeases(shared, maxBlockOf(points))];
    const allowed = await allowedUntilRefused(replicas, 'user:a', 2 * points);
    expect(allowed).toBeLessThanOrEqual(points);
    expect(allowed).toBeGreaterThanOrEqual(points - 2 * 2 * maxBlockOf(points));
  });

  it('keeps callers apart, and remembers a refusal without asking again', async () => {
    const shared = budget(2);
    const leases = new BlockLeases(shared, maxBlockOf(2));
    expect(await allowedUntilRefused([leases], 'user:a', 5)).toBe(2);
    expect(await allowedUntilRefused([leases], 'user:b', 5)).toBe(2);
    const consume = vi.spyOn(shared, 'consume');
    await expect(leases.consume('user:a')).rejects.toBeInstanceOf(RateLimiterRes);
    expect(consume).not.toHaveBeenCalled();
  });
});

describe("an anonymous caller's key", () => {
  it('is its IPv4 address, however the socket wrote it', () => {
    expect(addressKey('198.51.100.7')).toBe('ip:198.51.100.7');
    expect(addressKey('::ffff:198.51.100.7')).toBe('ip:198.51.100.7');
    expect(addressKey('198.51.100.8')).not.toBe(addressKey('198.51.100.7'));
  });

  it("is an IPv6 address's /64: every address of one subscriber's network shares one budget", () => {
    const key = addressKey('2001:db8:1:2::1');
    for (const address of ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:1234:5678:9abc:def0', '2001:db8:1:2::1%eth0'])
      expect(addressKey(address)).toBe(key);
    expect(key).toBe('ip6:2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
  });

  it('is one shared key when the address is unknown or not an address', () => {
    expect(addressKey(undefined)).toBe('ip:unknown');
    expect(addressKey('not-an-address')).toBe('ip:unknown');
  });
});
