import { createHmac, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

/**
 * How a partner's events leave the platform: Standard Webhooks signatures, and the guard that
 * keeps a webhook URL from reaching the platform's own network (SSRF): in production only
 * public unicast addresses, checked at registration and again on every connection.
 */

const SECRET_PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per secret, space-separated. */
export function signatureHeader(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
    })
    .join(' ');
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96') as [ipaddr.IPv6, number];

/**
 * Whether an address is public unicast: not private, loopback, link-local, CGNAT, multicast,
 * reserved… (ipaddr.js's ranges, which also read IPv4 in decimal, octal or hexadecimal). An
 * IPv6 address that carries an IPv4 one is judged by it (IPv4-mapped `::ffff:a.b.c.d`, and
 * IPv4-compatible `::a.b.c.d`, which the URL parser writes `::7f00:1` and ipaddr.js calls
 * unicast); one that a translator turns into IPv4 (NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`,
 * SIIT, 6to4, Teredo) is never public here, since where it leads depends on that translator.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (v6.match(IPV4_COMPATIBLE)) parsed = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  return parsed.range() === 'unicast';
}

export class AddressRefused extends Error {}

/**
 * A DNS lookup for outgoing connections that refuses non-public addresses: the connection
 * goes to the address checked here, so a name that resolves differently later (DNS
 * rebinding) cannot slip through.
 */
export function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((entry) => !isPublicAddress(entry.address));
      if (refused || list.length === 0) {
        return callback(
          new AddressRefused(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which is not a public address`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * Why a URL cannot be a webhook endpoint, or null when it can: http(s) only, HTTPS in
 * production, no credentials, and every address its host resolves to public.
 */
export async function endpointUrlProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a valid URL';
  }
  if (parsed.protocol !== 'https:' && (allowPrivate ? parsed.protocol !== 'http:' : true)) return 'The URL must use HTTPS';
  if (parsed.username || parsed.password) return 'The URL may not contain credentials';
  if (url.length > 2000) return 'The URL is too long';
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPublicAddress(host) ? null : 'The URL points to a private, loopback or link-local address';
  const addresses = await new Promise<LookupAddress[] | null>((resolve) =>
    dnsLookup(host, { all: true }, (error, found) => resolve(error ? null : found)),
  );
  if (!addresses || addresses.length === 0) return "The URL's host does not resolve";
  return addresses.every((entry) => isPublicAddress(entry.address))
    ? null
    : 'The URL resolves to a private, loopback or link-local address';
}

export interface SendResult {
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

/** The most of a receiver's answer read; the rest is dropped (a receiver need only answer 2xx). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Posts signed payloads; one instance per process, its connections checked as above. */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: { allowPrivate: boolean; timeoutMs: number }) {
    this.agent = new Agent({
      connect: { lookup: checkedLookup(options.allowPrivate), timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      // A literal IP never goes through the lookup, so it is checked here.
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (!this.options.allowPrivate && isIP(host) && !isPublicAddress(host)) throw new AddressRefused(`${host} is not a public address`);
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'partner-graph-webhooks/1', ...headers },
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      let read = 0;
      for await (const chunk of response.body) {
        read += (chunk as Buffer).length;
        if (read > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          break;
        }
      }
      return { httpStatus: response.statusCode, latencyMs: latency(), error: null };
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const message =
        error instanceof AddressRefused || cause instanceof AddressRefused
          ? cause instanceof AddressRefused
            ? cause.message
            : (error as Error).message
          : (error as Error).name === 'TimeoutError'
            ? `No answer within ${this.options.timeoutMs} ms`
            : (error as Error).message;
      return { httpStatus: null, latencyMs: latency(), error: message.slice(0, 500) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
