import { hkdfSync } from 'node:crypto';

/**
 * One key per purpose, derived from the configured secrets with HKDF-SHA256 (RFC 5869) and a
 * distinct label, so a token made for one purpose is never accepted for another:
 *
 * - `service-identity` (from INTERNAL_SIGNING_SECRET, held by the subgraphs only): the signed
 *   identity of a service-to-service call, which may name any service and any viewer.
 * - `customer-access-grant` (from INTERNAL_SIGNING_SECRET): the customer subgraph's answer for a
 *   partner, carried by the query plan to the subscription subgraph.
 * - `gateway-directory` (from ROUTER_SIGNING_SECRET, which the gateway holds): the gateway's own
 *   identity, good for the partner directory's viewer lookup and nothing else.
 *
 * The router's proof itself is HMAC with ROUTER_SIGNING_SECRET as it is, the format Hive
 * Gateway's `hmacSignature` writes.
 */
type KeyPurpose = 'service-identity' | 'customer-access-grant' | 'gateway-directory';

const derived = new Map<string, Uint8Array>();

export function purposeKey(secret: string, purpose: KeyPurpose): Uint8Array {
  const id = `${purpose}\n${secret}`;
  let key = derived.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', secret, 'partner-graph', `partner-graph ${purpose} v1`, 32));
    derived.set(id, key);
  }
  return key;
}
