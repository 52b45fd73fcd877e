import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import {
  endpointUrlProblem,
  generateSigningSecret,
  isPublicAddress,
  signatureHeader,
  WebhookSender,
} from '../src/domain/webhook-transport.js';
import { retryDelaySeconds } from '../src/domain/webhook-delivery.js';

describe('the address check (production)', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '0.0.0.0',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    // IPv4 written inside IPv6: IPv4-compatible (::a.b.c.d, as the URL parser writes it too), SIIT, NAT64 (well-known and local-use), 6to4, Teredo.
    '::127.0.0.1',
    '::7f00:1',
    '::a00:1',
    '::a9fe:a9fe',
    '::0.0.0.1',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::808:808',
    '64:ff9b:1::a00:1',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    // IPv4 in decimal, octal, hexadecimal and short forms.
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '127.1',
    '0xa9.0xfe.0xa9.0xfe',
    // Other special IPv6 ranges.
    'fec0::1',
    '100::1',
    '2001:db8::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::808:808'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('registration refuses plain HTTP, credentials, and hosts that are or resolve to private addresses', async () => {
    expect(await endpointUrlProblem('http://8.8.8.8/hooks', false)).toBe('The URL must use HTTPS');
    expect(await endpointUrlProblem('https://user:pw@8.8.8.8/hooks', false)).toBe('The URL may not contain credentials');
    expect(await endpointUrlProblem('https://127.0.0.1/hooks', false)).toMatch(/private, loopback or link-local/);
    expect(await endpointUrlProblem('https://[::1]/hooks', false)).toMatch(/private, loopback or link-local/);
    expect(await endpointUrlProblem('https://169.254.169.254/latest/meta-data', false)).toMatch(/private, loopback or link-local/);
    expect(await endpointUrlProblem('https://localhost/hooks', false)).toMatch(/private, loopback or link-local/);
    expect(await endpointUrlProblem('https://8.8.8.8/hooks', false)).toBeNull();
    // However the address is written in the URL.
    for (const host of [
      '[::127.0.0.1]',
      '[::7f00:1]',
      '[::ffff:127.0.0.1]',
      '[64:ff9b::a9fe:a9fe]',
      '[2002:a9fe:a9fe::]',
      '2130706433',
      '0x7f.1',
      '0177.0.0.1',
      '127.1',
    ]) {
      expect(await endpointUrlProblem(`https://${host}/hooks`, false), host).toMatch(/private, loopback or link-local/);
    }
    // Development allows loopback receivers.
    expect(await endpointUrlProblem('http://127.0.0.1:8080/hooks', true)).toBeNull();
    expect(await endpointUrlProblem('ftp://127.0.0.1/hooks', true)).toBe('The URL must use HTTPS');
  });
});

describe('sending', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      hits++;
      // A receiver that answers far more than anyone needs to read.
      response.writeHead(200).end('x'.repeat(1024 * 1024));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('in production, refuses a loopback receiver at delivery time, by address and by name', async () => {
    const sender = new WebhookSender({ allowPrivate: false, timeoutMs: 2000 });
    const byAddress = await sender.send(`http://127.0.0.1:${port}/hooks`, {}, '{}');
    const byName = await sender.send(`http://localhost:${port}/hooks`, {}, '{}');
    await sender.close();
    expect(byAddress).toMatchObject({ httpStatus: null, error: expect.stringMatching(/not a public address/) });
    expect(byName).toMatchObject({ httpStatus: null, error: expect.stringMatching(/not a public address/) });
    expect(hits).toBe(0);
  });

  it('in development, delivers to it and stops reading a large answer', async () => {
    const sender = new WebhookSender({ allowPrivate: true, timeoutMs: 2000 });
    const result = await sender.send(`http://localhost:${port}/hooks`, {}, '{}');
    await sender.close();
    expect(result).toMatchObject({ httpStatus: 200, error: null });
    expect(hits).toBe(1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sender = new WebhookSender({ allowPrivate: true, timeoutMs: 200 });
    const result = await sender.send(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/hooks`, {}, '{}');
    await sender.close();
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(result).toMatchObject({ httpStatus: null, error: 'No answer within 200 ms' });
  });
});

describe('signatures and retries', () => {
  it('signs as Standard Webhooks libraries verify, with every secret of the overlap', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const body = JSON.stringify({ type: 'subscription.renewed', timestamp: '2026-01-15T09:00:00.000Z', data: { id: 'e1' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([current, previous], 'msg_1', timestamp, body),
    };
    expect(new Webhook(current).verify(body, headers)).toMatchObject({ type: 'subscription.renewed' });
    expect(new Webhook(previous).verify(body, headers)).toMatchObject({ type: 'subscription.renewed' });
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('renewed', 'expired'), headers)).toThrow();
  });

  it('backs off exponentially with ±20 % jitter, up to the cap', () => {
    expect(retryDelaySeconds(1, 5, 7200, () => 0.5)).toBe(5);
    expect(retryDelaySeconds(4, 5, 7200, () => 0.5)).toBe(40);
    expect(retryDelaySeconds(30, 5, 7200, () => 0.5)).toBe(7200);
    expect(retryDelaySeconds(3, 5, 7200, () => 0)).toBeCloseTo(16);
    expect(retryDelaySeconds(3, 5, 7200, () => 1)).toBeCloseTo(24);
  });
});
