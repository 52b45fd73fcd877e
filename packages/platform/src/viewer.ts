import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { purposeKey } from './keys.js';
import { forbidden, unauthenticated } from './errors.js';

export const COMPANY_ROLES = ['GLOBAL_ADMIN', 'USER_ADMIN', 'BILLING_ADMIN', 'NONE'] as const;
export const CUSTOMER_ACCESS = ['FULL', 'LIMITED', 'NONE'] as const;
export const PROGRAMS = ['RESELLER', 'SUBSCRIPTION_ADVISOR', 'DELEGATED_ADMIN', 'CLOUD_ESSENTIALS'] as const;
export type CompanyRole = (typeof COMPANY_ROLES)[number];
export type CustomerAccess = (typeof CUSTOMER_ACCESS)[number];
export type Program = (typeof PROGRAMS)[number];

/** A signed-in partner user, as resolved from the partner directory. */
export interface PartnerViewer {
  kind: 'partner-user';
  partnerId: string;
  userId: string;
  companyRole: CompanyRole;
  customerAccess: CustomerAccess;
  programs: Program[];
}

/** A caller with no token: only customer-side actions authorised by a code accept it. */
export interface AnonymousViewer {
  kind: 'anonymous';
}

/** A service acting for itself (the gateway resolving a viewer, a background job). */
export interface SystemViewer {
  kind: 'system';
}

export type Viewer = PartnerViewer | AnonymousViewer | SystemViewer;

/**
 * Who acts, and in which request: what the audit trail records and what a call to another
 * service signs. The one caller type of every subgraph's domain and of `ServiceClient.call`.
 */
export interface Actor {
  viewer: Viewer;
  requestId: string;
}

/** Who is calling a subgraph, and for whom: the router (for the user of the token it forwarded) or another service. */
export interface SignedContext extends Actor {
  /** `router` (a request proven to come from the router) or the calling service's name. */
  issuer: string;
  /** A router's request proven by its signature: the query and variables the signature covers, the only ones it may run. */
  proven?: { query: unknown; variables: unknown };
}

/** The issuer of every request a router sends; no service may sign as it. */
export const ROUTER = 'router';

/**
 * The gateway acting for itself: it resolves a token's subject in the partner directory
 * (`viewerContext`) to refuse an unknown user at the edge. Its identity is signed with a key
 * derived from the router's secret, the only one the gateway holds; a subgraph accepts it as a
 * system caller of that one field, and nothing else.
 */
export const GATEWAY_DIRECTORY = 'gateway-directory';
/** The only root fields the gateway's own identity may select. */
export const GATEWAY_DIRECTORY_FIELDS: readonly string[] = ['viewerContext', '__typename'];

/** The signed identity of a service-to-service call (never of a router's request). */
export const CONTEXT_HEADER = 'x-partner-graph-context';
const AUDIENCE = 'partner-graph-subgraphs';
const TTL_SECONDS = 60;
/** How far a signer's clock may be ahead of or behind the verifier's. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** The key of an issuer's identity: the gateway's is derived from the router's secret, every service's from the services' secret. */
const identityKey = (issuer: string, secret: string): Uint8Array =>
  purposeKey(secret, issuer === GATEWAY_DIRECTORY ? 'gateway-directory' : 'service-identity');

/**
 * Signs a caller's identity for `x-partner-graph-context`, valid 60 s. `secret` is the services'
 * secret (INTERNAL_SIGNING_SECRET), or for the gateway's own identity the router's.
 */
export async function signContext(context: SignedContext, secret: string): Promise<string> {
  return new SignJWT({ viewer: context.viewer, rid: context.requestId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(context.issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TTL_SECONDS}s`)
    .sign(identityKey(context.issuer, secret));
}

/**
 * Verifies a context header; `null` when missing, forged, expired, without an expiry, issued
 * for longer than 60 s, or malformed. The gateway's identity holds only as a system viewer.
 */
export async function verifyContext(
  token: string | undefined,
  secrets: { internal: string; router: string },
): Promise<SignedContext | null> {
  if (!token) return null;
  try {
    const { iss } = decodeJwt(token);
    if (typeof iss !== 'string' || iss === ROUTER) return null;
    const { payload } = await jwtVerify(token, identityKey(iss, iss === GATEWAY_DIRECTORY ? secrets.router : secrets.internal), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: iss,
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: TTL_SECONDS + CLOCK_TOLERANCE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    if (payload.exp! - payload.iat! > TTL_SECONDS) return null;
    const viewer = payload.viewer as Viewer | undefined;
    if (!viewer || typeof viewer !== 'object' || !['partner-user', 'anonymous', 'system'].includes(viewer.kind)) return null;
    if (iss === GATEWAY_DIRECTORY && viewer.kind !== 'system') return null;
    if (typeof payload.rid !== 'string') return null;
    return { viewer, requestId: payload.rid, issuer: iss };
  } catch {
    return null;
  }
}

export interface AccessRule {
  companyRole?: readonly CompanyRole[];
  customerAccess?: readonly CustomerAccess[];
  programs?: readonly Program[];
}

/**
 * The one authorisation check: the viewer must be a partner user and meet every part of the
 * rule (one of the listed roles, one of the listed access levels, all listed programs).
 */
export function authorize(viewer: Viewer, rule: AccessRule = {}): PartnerViewer {
  if (viewer.kind !== 'partner-user') throw unauthenticated();
  if (rule.companyRole && !rule.companyRole.includes(viewer.companyRole)) {
    throw forbidden(`Requires the company role ${rule.companyRole.join(' or ')}`);
  }
  if (rule.customerAccess && !rule.customerAccess.includes(viewer.customerAccess)) {
    throw forbidden(`Requires ${rule.customerAccess.join(' or ')} customer access`);
  }
  const missing = (rule.programs ?? []).filter((program) => !viewer.programs.includes(program));
  if (missing.length > 0) throw forbidden(`Requires the partner program ${missing.join(' and ')}`);
  return viewer;
}

/** Whether the viewer meets a rule, for `allowedActions`-style answers. */
export function isAllowed(viewer: Viewer, rule: AccessRule): boolean {
  try {
    authorize(viewer, rule);
    return true;
  } catch {
    return false;
  }
}

/**
 * The customer access a viewer has on one customer (docs/api.md, "Who may do what"): the lesser of its own
 * `customerAccess` and its partner's admin rights there (a reseller or a FULL delegated-admin
 * relationship: FULL; a LIMITED relationship: LIMITED; no rights: NONE).
 */
export function effectiveCustomerAccess(viewer: Viewer, adminAccess: 'FULL' | 'LIMITED' | null | undefined): CustomerAccess {
  if (viewer.kind !== 'partner-user' || !adminAccess) return 'NONE';
  const rank = { NONE: 0, LIMITED: 1, FULL: 2 } as const;
  return rank[viewer.customerAccess] <= rank[adminAccess] ? viewer.customerAccess : adminAccess;
}

/** For internal fields: only another service (never a router, so never a client) may call. */
export function requireService(context: SignedContext): void {
  if (context.issuer === ROUTER) throw forbidden('Internal field');
}
