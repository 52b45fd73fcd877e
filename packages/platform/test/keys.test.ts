import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signCustomerAccess, verifyCustomerAccess } from '../src/customer-access-grant.js';
import { purposeKey } from '../src/keys.js';
import { GATEWAY_DIRECTORY, signContext, verifyContext, type PartnerViewer } from '../src/viewer.js';

const INTERNAL = 'the-services-secret-for-this-test-0123456789';
const ROUTER = 'the-routers-secret-for-this-test-0123456789';
const secrets = { internal: INTERNAL, router: ROUTER };
const now = () => Math.floor(Date.now() / 1000);
const system = { kind: 'system' } as const;
const partnerUser: PartnerViewer = {
  kind: 'partner-user',
  partnerId: 'p',
  userId: 'u',
  companyRole: 'GLOBAL_ADMIN',
  customerAccess: 'FULL',
  programs: [],
};
/** A context token made by hand, with the claims a test chooses. */
const token = (claims: Record<string, unknown>, key: Uint8Array) =>
  new SignJWT({ viewer: system, rid: 'r', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('partner-graph-subgraphs')
    .sign(key);

describe('keys per purpose', () => {
  it('derives a different key for each purpose and secret, none of them the secret itself', () => {
    const keys = [
      purposeKey(INTERNAL, 'service-identity'),
      purposeKey(INTERNAL, 'customer-access-grant'),
      purposeKey(ROUTER, 'gateway-directory'),
      purposeKey(ROUTER, 'service-identity'),
    ];
    expect(new Set(keys.map((key) => Buffer.from(key).toString('hex'))).size).toBe(4);
    for (const key of keys) expect(key).toHaveLength(32);
    expect(Buffer.from(purposeKey(INTERNAL, 'service-identity')).equals(Buffer.from(INTERNAL))).toBe(false);
  });

  it("a service identity holds with the services' secret only", async () => {
    const signed = await signContext({ viewer: partnerUser, requestId: 'r', issuer: 'customer' }, INTERNAL);
    expect(await verifyContext(signed, secrets)).toEqual({ viewer: partnerUser, requestId: 'r', issuer: 'customer' });
    // Whoever holds the router's secret (the gateway) cannot sign as a service.
    expect(await verifyContext(await signContext({ viewer: system, requestId: 'r', issuer: 'customer' }, ROUTER), secrets)).toBeNull();
    // Nor with the secret as it is (the key before HKDF).
    expect(
      await verifyContext(await token({ iss: 'customer', iat: now(), exp: now() + 60 }, new TextEncoder().encode(INTERNAL)), secrets),
    ).toBeNull();
  });

  it("the gateway's identity is a system caller signed from the router's secret, nothing more", async () => {
    const signed = await signContext({ viewer: system, requestId: 'r', issuer: GATEWAY_DIRECTORY }, ROUTER);
    expect(await verifyContext(signed, secrets)).toEqual({ viewer: system, requestId: 'r', issuer: GATEWAY_DIRECTORY });
    expect(
      await verifyContext(await signContext({ viewer: partnerUser, requestId: 'r', issuer: GATEWAY_DIRECTORY }, ROUTER), secrets),
    ).toBeNull();
    expect(
      await verifyContext(await signContext({ viewer: system, requestId: 'r', issuer: GATEWAY_DIRECTORY }, INTERNAL), secrets),
    ).toBeNull();
    expect(await verifyContext(await signContext({ viewer: system, requestId: 'r', issuer: 'router' }, INTERNAL), secrets)).toBeNull();
  });

  it('an identity needs an expiry, an issue time and at most 60 s between them', async () => {
    const key = purposeKey(INTERNAL, 'service-identity');
    expect(await verifyContext(await token({ iss: 'customer', iat: now(), exp: now() + 60 }, key), secrets)).not.toBeNull();
    expect(await verifyContext(await token({ iss: 'customer', iat: now() }, key), secrets)).toBeNull();
    expect(await verifyContext(await token({ iss: 'customer', exp: now() + 60 }, key), secrets)).toBeNull();
    expect(await verifyContext(await token({ iss: 'customer', iat: now(), exp: now() + 3600 }, key), secrets)).toBeNull();
    expect(await verifyContext(await token({ iss: 'customer', iat: now() - 3600, exp: now() - 3540 }, key), secrets)).toBeNull();
  });

  it('an access grant holds with its own key only', () => {
    const info = {
      customerId: 'c',
      country: 'FR',
      provisioningState: 'ACTIVE',
      relationship: 'RESELLER',
      hasAdminRights: true,
      adminAccess: 'FULL',
    } as const;
    const at = new Date();
    const grant = signCustomerAccess(info, 'p', INTERNAL, at);
    expect(verifyCustomerAccess(grant, { partnerId: 'p', customerId: 'c' }, INTERNAL, at)).toEqual(info);
    // A grant made with another purpose's key, or with the secret as it is, is none.
    const [payload] = grant.split('.');
    for (const key of [purposeKey(INTERNAL, 'service-identity'), Buffer.from(INTERNAL)]) {
      const forged = `${payload}.${createHmac('sha256', key).update(payload!).digest('base64url')}`;
      expect(verifyCustomerAccess(forged, { partnerId: 'p', customerId: 'c' }, INTERNAL, at)).toBeNull();
    }
  });
});
