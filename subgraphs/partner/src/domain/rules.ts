import {
  encodeCursor,
  EVENT_TYPES,
  forbidden,
  isAllowed,
  isUuid,
  type AccessRule,
  type AuditTrailEntry,
  type CompanyRole,
  type CustomerAccess,
  type PartnerViewer,
  type Problems,
  type Viewer,
} from '@partner-graph/platform';
import type { AttemptPosition, WebhookEndpointRow } from '../db/webhook-store.js';

/**
 * A user manager's own roles are a GLOBAL_ADMIN's to change: a USER_ADMIN neither raises nor
 * changes its own company role or customer access (it could otherwise give itself FULL access
 * to every customer).
 */
export function checkOwnRolesUnchanged(
  viewer: PartnerViewer,
  before: { id: string; companyRole: CompanyRole; customerAccess: CustomerAccess },
  after: { companyRole: CompanyRole; customerAccess: CustomerAccess },
): void {
  if (viewer.companyRole === 'GLOBAL_ADMIN' || before.id !== viewer.userId) return;
  if (before.companyRole !== after.companyRole || before.customerAccess !== after.customerAccess) {
    throw forbidden('Only a GLOBAL_ADMIN can change your own company role or customer access');
  }
}

/** Webhook endpoints are managed by GLOBAL_ADMIN; any partner user reads them (without secrets). */
export const MANAGE_WEBHOOKS: AccessRule = { companyRole: ['GLOBAL_ADMIN'] };

/** How long a rotated-out secret keeps signing next to the new one. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The type of the event `sendTestWebhookEvent` sends; not subscribable, it goes to the one endpoint. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** At least one event type, each one the platform reports. */
export function checkEventTypes(problems: Problems, eventTypes: readonly string[]): void {
  if (eventTypes.length === 0) problems.add('VALIDATION_FAILED', 'Choose at least one event type', 'eventTypes');
  const unknown = eventTypes.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) problems.add('VALIDATION_FAILED', `Unknown event types: ${unknown.join(', ')}`, 'eventTypes');
}

/** What the audit trail keeps of an endpoint: never its secret. */
export const auditView = (row: WebhookEndpointRow) => ({ url: row.url, eventTypes: row.eventTypes, status: row.status });

/** Where a delivery log page continues; a cursor that is not one of ours reads as the end (an empty page). */
export function attemptPosition(cursor: unknown[] | null): AttemptPosition | 'none' | null {
  if (!cursor) return null;
  const [at, id] = cursor;
  if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(at))) return 'none';
  return { attemptedAt: at, id };
}

/** The audit trail is for an admin role, or a user with customer access. */
export function mayReadAuditTrail(viewer: Viewer): boolean {
  return (
    isAllowed(viewer, { companyRole: ['GLOBAL_ADMIN', 'USER_ADMIN', 'BILLING_ADMIN'] }) ||
    isAllowed(viewer, { customerAccess: ['FULL', 'LIMITED'] })
  );
}

/** Newest first; ties by id, as every subgraph sorts its share. */
const newestFirst = (a: AuditTrailEntry, b: AuditTrailEntry): number =>
  a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.occurredAt < b.occurredAt ? 1 : -1;

/** One page of the merged trail from each subgraph's share (each its first `size + 1` after the cursor). */
export function mergeAuditShares<T extends AuditTrailEntry>(shares: T[][], size: number) {
  const merged = shares.flat().sort(newestFirst);
  const page = merged.slice(0, size);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor([node.occurredAt, node.id]), node })),
    pageInfo: {
      hasNextPage: merged.length > size,
      endCursor: page.length > 0 ? encodeCursor([page.at(-1)!.occurredAt, page.at(-1)!.id]) : null,
    },
  };
}
