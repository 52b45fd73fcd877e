import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type Viewer } from '@partner-graph/platform';
import { startStack, type GraphQLResponse, type Stack } from '../../../test/stack.js';
import { ADMIN, AGENT, HELPDESK, SALES, FABRIKAM } from '../../../test/demo-users.js';

const INVITATION_FIELDS =
  'id url status acceptanceCount includeDelegatedAdmin createdAt revokedAt offer { id name } createdBy { id email }';
const CREATE_TRIAL = `mutation($offerId: ID!, $da: Boolean! = false, $key: String) {
  createTrialInvitation(offerId: $offerId, includeDelegatedAdmin: $da, idempotencyKey: $key) {
    trialInvitation { ${INVITATION_FIELDS} }
    errors { code message field }
  }
}`;
const REVOKE_TRIAL = `mutation($id: ID!) { revokeTrialInvitation(id: $id) { trialInvitation { id status revokedAt } errors { code field } } }`;
const TRIALS = `query($first: Int, $after: String) { trialInvitations(first: $first, after: $after) { edges { cursor node { id url status } } pageInfo { hasNextPage endCursor } } }`;

const PURCHASE_FIELDS =
  'id url status acceptanceCount includeDelegatedAdmin revokedAt lines { quantity offer { id name } } createdBy { id }';
const CREATE_PURCHASE = `mutation($lines: [PurchaseOfferLineInput!]!, $da: Boolean! = false, $key: String) {
  createPurchaseOffer(lines: $lines, includeDelegatedAdmin: $da, idempotencyKey: $key) {
    purchaseOffer { ${PURCHASE_FIELDS} }
    errors { code message field }
  }
}`;
const REVOKE_PURCHASE = `mutation($id: ID!) { revokePurchaseOffer(id: $id) { purchaseOffer { id status revokedAt } errors { code field } } }`;
const PURCHASES = `query($first: Int) { purchaseOffers(first: $first) { edges { node { id url status lines { quantity offer { id } } } } pageInfo { hasNextPage } } }`;

let stack: Stack;
/** Fabrikam as if it had joined the advisor program: shows that partners never see one another's invitations. */
let fabrikamAdvisor: Viewer;
/** A Contoso advisor whose partner lacks the delegated-admin programs. */
let advisorWithoutDelegatedAdmin: Viewer;

beforeAll(async () => {
  stack = await startStack();
  const fabrikam = await stack.viewerOf(FABRIKAM);
  fabrikamAdvisor = { ...fabrikam, programs: ['RESELLER', 'SUBSCRIPTION_ADVISOR'] } as Viewer;
  const contoso = await stack.viewerOf(AGENT);
  advisorWithoutDelegatedAdmin = { ...contoso, programs: ['RESELLER', 'SUBSCRIPTION_ADVISOR'] } as Viewer;
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * A request straight to the offer subgraph for a viewer the directory does not hold (other
 * programs), so signed as another service would sign it (the partner user's email lives in the
 * partner subgraph, so it is not asked for here).
 */
const asViewer = (viewer: Viewer, query: string, variables: Record<string, unknown>) =>
  stack.subgraphRequest('offer', query.replace('createdBy { id email }', 'createdBy { id }'), { viewer, issuer: 'customer', variables });

const URL_PATTERN = (kind: string, advisorCode: string) =>
  new RegExp(`^https://partner-graph\\.example/accept/${kind}/${advisorCode}/[A-Za-z0-9_-]{43,}$`);

describe('trial invitations', () => {
  it.each([ADMIN, AGENT, HELPDESK])(
    '%s (FULL or LIMITED) creates one with a URL embedding the advisor code and an unguessable code',
    async (email) => {
      const { data, errors } = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium }, { as: email });
      expect(errors).toBeUndefined();
      const { trialInvitation, errors: payloadErrors } = data!.createTrialInvitation;
      expect(payloadErrors).toEqual([]);
      expect(trialInvitation).toMatchObject({
        status: 'ACTIVE',
        acceptanceCount: 0,
        includeDelegatedAdmin: false,
        revokedAt: null,
        offer: { id: DEMO.offers.trialBusinessPremium, name: 'Microsoft 365 Business Premium Trial' },
        createdBy: { email },
      });
      expect(trialInvitation.url).toMatch(URL_PATTERN('trial', 'CONTOSO-ADV'));
      const audit = await stack.subgraphs.offer.db.query(`SELECT operation, partner_id FROM audit_record WHERE resource_id = $1`, [
        trialInvitation.id,
      ]);
      expect(audit).toEqual([{ operation: 'createTrialInvitation', partner_id: DEMO.partners.contoso }]);
    },
  );

  it.each([
    ['sales@ (NONE customer access)', SALES],
    ['Fabrikam (no SUBSCRIPTION_ADVISOR program)', FABRIKAM],
  ])('%s cannot create, list or revoke one', async (_name, email) => {
    const create = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium }, { as: email });
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await stack.graphql(TRIALS, {}, { as: email });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const revoke = await stack.graphql(REVOKE_TRIAL, { id: randomUUID() }, { as: email });
    expect(revoke.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rows = await stack.subgraphs.offer.db.query(`SELECT count(*)::int AS n FROM trial_invitation WHERE created_by = $1`, [
      ((await stack.viewerOf(email)) as { userId: string }).userId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('without a token is UNAUTHENTICATED', async () => {
    const { errors } = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium });
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('including delegated admin needs DELEGATED_ADMIN + CLOUD_ESSENTIALS', async () => {
    const allowed = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialE3, da: true }, { as: HELPDESK });
    expect(allowed.data?.createTrialInvitation.trialInvitation).toMatchObject({
      includeDelegatedAdmin: true,
      offer: { id: DEMO.offers.trialE3 },
    });
    const refused = await asViewer(advisorWithoutDelegatedAdmin, CREATE_TRIAL, { offerId: DEMO.offers.trialE3, da: true });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const withoutOption = await asViewer(advisorWithoutDelegatedAdmin, CREATE_TRIAL, { offerId: DEMO.offers.trialE3 });
    expect(withoutOption.data?.createTrialInvitation.errors).toEqual([]);
  });

  it('refuses a non-trial offer, an unknown one and one the partner may not sell, as payload errors', async () => {
    const notTrial = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.e3 }, { as: AGENT });
    expect(notTrial.errors).toBeUndefined();
    expect(notTrial.data?.createTrialInvitation).toMatchObject({
      trialInvitation: null,
      errors: [{ code: 'NOT_A_TRIAL_OFFER', field: 'offerId' }],
    });
    for (const offerId of [randomUUID(), 'nope']) {
      const unknown = await stack.graphql(CREATE_TRIAL, { offerId }, { as: AGENT });
      expect(unknown.data?.createTrialInvitation.errors).toEqual([
        expect.objectContaining({ code: 'OFFER_NOT_AVAILABLE', field: 'offerId' }),
      ]);
    }
    const forbiddenOffer = await asViewer(fabrikamAdvisor, CREATE_TRIAL, { offerId: DEMO.offers.trialE3 });
    expect(forbiddenOffer.data?.createTrialInvitation.errors).toEqual([expect.objectContaining({ code: 'OFFER_NOT_AVAILABLE' })]);
  });

  it('a retry with the same idempotency key returns the first invitation', async () => {
    const key = randomUUID();
    const first = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium, key }, { as: AGENT });
    const second = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium, key }, { as: AGENT });
    const id = first.data?.createTrialInvitation.trialInvitation.id;
    expect(second.data?.createTrialInvitation.trialInvitation).toMatchObject({
      id,
      url: first.data?.createTrialInvitation.trialInvitation.url,
    });
    const rows = await stack.subgraphs.offer.db.query(`SELECT count(*)::int AS n FROM audit_record WHERE resource_id = $1`, [id]);
    expect(rows[0].n).toBe(1);
    const other = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialE3, key }, { as: AGENT });
    expect(other.data?.createTrialInvitation.errors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('lists newest first, keeps showing the URL, and revokes once', async () => {
    const created = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialE3 }, { as: ADMIN });
    const invitation = created.data!.createTrialInvitation.trialInvitation;
    const { data } = await stack.graphql(TRIALS, { first: 100 }, { as: HELPDESK });
    const nodes = data!.trialInvitations.edges.map((edge: { node: { id: string; url: string } }) => edge.node);
    expect(nodes.find((node: { id: string }) => node.id === invitation.id)?.url).toBe(invitation.url);
    expect(new Set(nodes.map((node: { url: string }) => node.url)).size).toBe(nodes.length);

    const revoked = await stack.graphql(REVOKE_TRIAL, { id: invitation.id }, { as: HELPDESK });
    expect(revoked.data?.revokeTrialInvitation).toMatchObject({ trialInvitation: { id: invitation.id, status: 'REVOKED' }, errors: [] });
    expect(revoked.data?.revokeTrialInvitation.trialInvitation.revokedAt).toBe(stack.clock.now().toISOString());
    const again = await stack.graphql(REVOKE_TRIAL, { id: invitation.id }, { as: HELPDESK });
    expect(again.data?.revokeTrialInvitation.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    const unknown = await stack.graphql(REVOKE_TRIAL, { id: randomUUID() }, { as: HELPDESK });
    expect(unknown.data?.revokeTrialInvitation.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
  });

  it('paginates with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await stack.graphql(TRIALS, { first: 2, after }, { as: ADMIN });
      seen.push(...response.data!.trialInvitations.edges.map((edge: { node: { id: string } }) => edge.node.id));
      if (!response.data!.trialInvitations.pageInfo.hasNextPage) break;
      after = response.data!.trialInvitations.pageInfo.endCursor;
    }
    const { data } = await stack.graphql(TRIALS, { first: 100 }, { as: ADMIN });
    expect(seen).toEqual(data!.trialInvitations.edges.map((edge: { node: { id: string } }) => edge.node.id));
    expect(seen.length).toBeGreaterThan(3);
  });

  it("another partner never sees nor revokes Contoso's invitations", async () => {
    const contoso = await stack.graphql(TRIALS, { first: 100 }, { as: ADMIN });
    const contosoId = contoso.data!.trialInvitations.edges.find((edge: { node: { status: string } }) => edge.node.status === 'ACTIVE').node
      .id;
    const mine = await asViewer(fabrikamAdvisor, CREATE_TRIAL, { offerId: DEMO.offers.trialBusinessPremium });
    expect(mine.data?.createTrialInvitation.trialInvitation.url).toMatch(URL_PATTERN('trial', 'FABRIKAM-ADV'));
    const list = await asViewer(fabrikamAdvisor, TRIALS, { first: 100 });
    expect(list.data?.trialInvitations.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([
      mine.data?.createTrialInvitation.trialInvitation.id,
    ]);
    const revoke = await asViewer(fabrikamAdvisor, REVOKE_TRIAL, { id: contosoId });
    expect(revoke.data?.revokeTrialInvitation.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    const [row] = await stack.subgraphs.offer.db.query(`SELECT status FROM trial_invitation WHERE id = $1`, [contosoId]);
    expect(row.status).toBe('ACTIVE');
  });
});

describe('purchase offers', () => {
  const LINES = [
    { offerId: DEMO.offers.businessStandard, quantity: 10 },
    { offerId: DEMO.offers.exchangePlan1, quantity: 5 },
    { offerId: DEMO.offers.exchangeArchiving, quantity: 5 },
  ];

  it.each([ADMIN, AGENT, HELPDESK])('%s creates one with its lines and a URL with the advisor code', async (email) => {
    const { data, errors } = await stack.graphql(CREATE_PURCHASE, { lines: LINES }, { as: email });
    expect(errors).toBeUndefined();
    expect(data?.createPurchaseOffer.errors).toEqual([]);
    const offer = data!.createPurchaseOffer.purchaseOffer;
    expect(offer).toMatchObject({
      status: 'ACTIVE',
      acceptanceCount: 0,
      includeDelegatedAdmin: false,
      lines: [
        { quantity: 10, offer: { id: DEMO.offers.businessStandard, name: 'Microsoft 365 Business Standard' } },
        { quantity: 5, offer: { id: DEMO.offers.exchangePlan1 } },
        { quantity: 5, offer: { id: DEMO.offers.exchangeArchiving } },
      ],
    });
    expect(offer.url).toMatch(URL_PATTERN('purchase', 'CONTOSO-ADV'));
  });

  it.each([SALES, FABRIKAM])('%s cannot create or list one', async (email) => {
    const create = await stack.graphql(CREATE_PURCHASE, { lines: LINES }, { as: email });
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await stack.graphql(PURCHASES, {}, { as: email });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('including delegated admin needs DELEGATED_ADMIN + CLOUD_ESSENTIALS', async () => {
    const allowed = await stack.graphql(CREATE_PURCHASE, { lines: LINES, da: true }, { as: AGENT });
    expect(allowed.data?.createPurchaseOffer.purchaseOffer.includeDelegatedAdmin).toBe(true);
    const refused = await asViewer(advisorWithoutDelegatedAdmin, CREATE_PURCHASE, { lines: LINES, da: true });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses offers the partner may not sell', async () => {
    const { data } = await asViewer(fabrikamAdvisor, CREATE_PURCHASE, {
      lines: [
        { offerId: DEMO.offers.businessBasic, quantity: 3 },
        { offerId: DEMO.offers.e5, quantity: 3 },
      ],
    });
    expect(data?.createPurchaseOffer.errors).toEqual([expect.objectContaining({ code: 'OFFER_NOT_AVAILABLE', field: 'lines[1].offerId' })]);
  });

  it('is idempotent on its key', async () => {
    const key = randomUUID();
    const first = await stack.graphql(CREATE_PURCHASE, { lines: LINES, key }, { as: HELPDESK });
    const second = await stack.graphql(CREATE_PURCHASE, { lines: LINES, key }, { as: HELPDESK });
    expect(second.data?.createPurchaseOffer.purchaseOffer.id).toBe(first.data?.createPurchaseOffer.purchaseOffer.id);
  });

  it('lists, revokes, and hides them from other partners', async () => {
    stack.clock.advance(60_000);
    const created = (await stack.graphql(CREATE_PURCHASE, { lines: LINES }, { as: HELPDESK })).data!.createPurchaseOffer.purchaseOffer;
    const list = await stack.graphql(PURCHASES, { first: 100 }, { as: ADMIN });
    expect(list.data?.purchaseOffers.edges[0].node).toMatchObject({ id: created.id, url: created.url, status: 'ACTIVE' });

    const fabrikamList = await asViewer(fabrikamAdvisor, PURCHASES, { first: 100 });
    expect(fabrikamList.data?.purchaseOffers.edges).toEqual([]);
    const fabrikamRevoke = await asViewer(fabrikamAdvisor, REVOKE_PURCHASE, { id: created.id });
    expect(fabrikamRevoke.data?.revokePurchaseOffer.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
    const salesRevoke = await stack.graphql(REVOKE_PURCHASE, { id: created.id }, { as: SALES });
    expect(salesRevoke.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const revoked = await stack.graphql(REVOKE_PURCHASE, { id: created.id }, { as: AGENT });
    expect(revoked.data?.revokePurchaseOffer).toMatchObject({ purchaseOffer: { id: created.id, status: 'REVOKED' }, errors: [] });
    const again = await stack.graphql(REVOKE_PURCHASE, { id: created.id }, { as: AGENT });
    expect(again.data?.revokePurchaseOffer.errors).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: 'id' }]);
    const audit = await stack.subgraphs.offer.db.query(
      `SELECT operation FROM audit_record WHERE resource_id = $1 ORDER BY occurred_at, operation`,
      [created.id],
    );
    expect(audit.map((row: { operation: string }) => row.operation).sort()).toEqual(['createPurchaseOffer', 'revokePurchaseOffer']);
  });
});

describe('audit trail (internal)', () => {
  const TRAIL = `query($filter: AuditTrailFilter!) { auditTrail(filter: $filter, first: 50) { operation resourceType resourceId partnerId userId newValue } }`;

  it("gives the partner subgraph this subgraph's records of one partner, refused to the gateway", async () => {
    const created = await stack.graphql(CREATE_TRIAL, { offerId: DEMO.offers.trialE3 }, { as: AGENT });
    const id = created.data!.createTrialInvitation.trialInvitation.id;
    const filter = { partnerId: DEMO.partners.contoso, resourceType: 'TrialInvitation' };
    const trail = await stack.subgraphRequest('offer', TRAIL, { issuer: 'partner', variables: { filter } });
    expect(trail.errors).toBeUndefined();
    expect(trail.data?.auditTrail).toContainEqual(
      expect.objectContaining({
        operation: 'createTrialInvitation',
        resourceId: id,
        partnerId: DEMO.partners.contoso,
        userId: DEMO.users.contosoAgent.id,
      }),
    );
    const fabrikam = await stack.subgraphRequest('offer', TRAIL, {
      issuer: 'partner',
      variables: { filter: { ...filter, partnerId: DEMO.partners.fabrikam } },
    });
    expect(fabrikam.data?.auditTrail.map((entry: { resourceId: string }) => entry.resourceId)).not.toContain(id);
    const gateway = await stack.subgraphRequest('offer', TRAIL, { issuer: 'router', variables: { filter } });
    expect(gateway.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
