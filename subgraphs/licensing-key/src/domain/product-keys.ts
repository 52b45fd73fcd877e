import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  decodeKeyset,
  DomainError,
  idempotent,
  isUuid,
  OfferAvailabilityDocument,
  pageSize,
  toConnection,
  writeAudit,
  type AccessRule,
  type Clock,
  type Connection,
  type PartnerViewer,
  type ServiceClient,
  type Viewer,
  type Actor,
} from '@partner-graph/platform';
import type { ProductKeyRow, ProductKeyState, ProductKeyStore } from '../db/index.js';
import { formatProductKey, generateProductKey, hashProductKey, lastFiveOf, maskProductKey, normaliseProductKey } from './key-format.js';
import { checkRevocable, readOrder, reviewKey, seatsPerKey, type ProductKeyValidationView } from './rules.js';

/** Who may (docs/api.md, "Who may do what"): order, list, validate and redeem product keys, renew with a key. */
export const PRODUCT_KEYS: AccessRule = { programs: ['SUBSCRIPTION_ADVISOR'], customerAccess: ['FULL'] };

export const MAX_KEYS_PER_REQUEST = 100;

export interface OrderedKey {
  key: string | null;
  productKey: ProductKeyRow;
}

/** The partner's stock of product keys: ordering, listing, and the review step before a redemption. */
export class ProductKeys {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly services: ServiceClient,
    private readonly store: ProductKeyStore,
  ) {}

  async order(
    actor: Actor,
    input: { offerId: string; count: number; seatsPerKey?: number | null; termMonths?: number | null },
    idempotencyKey: string | null | undefined,
  ): Promise<OrderedKey[]> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const { termMonths } = readOrder(input);
    // `country: null`: may the partner sell the offer at all, in any country.
    const { offerAvailability } = await this.services.call(
      'offer',
      OfferAvailabilityDocument,
      { partnerId: viewer.partnerId, country: null, offerIds: [input.offerId] },
      { viewer, requestId: actor.requestId },
    );
    const seats = seatsPerKey(offerAvailability[0] ?? null, input.seatsPerKey);

    const fullKeys = new Map<string, string>();
    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        {
          scope: viewer.partnerId,
          operation: 'orderProductKeys',
          key: idempotencyKey,
          request: { offerId: input.offerId, count: input.count, seats, termMonths },
          clock: this.clock,
        },
        async () => {
          const now = this.clock.now();
          const orderId = randomUUID();
          const rows: ProductKeyRow[] = Array.from({ length: input.count }, () => {
            const bare = generateProductKey();
            const row: ProductKeyRow = {
              id: randomUUID(),
              partnerId: viewer.partnerId,
              offerId: input.offerId,
              keyHash: hashProductKey(bare),
              lastFive: lastFiveOf(bare),
              seats,
              termMonths,
              state: 'AVAILABLE',
              orderId,
              orderedBy: viewer.userId,
              orderedAt: now,
              redemptionId: null,
              usedFor: null,
              redeemedAt: null,
              customerId: null,
              subscriptionId: null,
              updatedAt: now,
            };
            fullKeys.set(row.id, formatProductKey(bare));
            return row;
          });
          await this.store.insert(rows, manager);
          await writeAudit(
            manager,
            { ...actor, clock: this.clock },
            {
              operation: 'orderProductKeys',
              resourceType: 'ProductKeyOrder',
              resourceId: orderId,
              newValue: {
                offerId: input.offerId,
                count: input.count,
                seatsPerKey: seats,
                termMonths,
                keys: rows.map((r) => maskProductKey(r.lastFive)),
              },
            },
          );
          return { keyIds: rows.map((r) => r.id) };
        },
      ),
    );
    const byId = await this.store.byIds(receipt.keyIds);
    // A replayed order returns the same keys, masked: the full text is shown once.
    return receipt.keyIds.map((id) => ({ key: fullKeys.get(id) ?? null, productKey: byId.get(id)! }));
  }

  async list(
    viewerIn: Viewer,
    args: { state?: ProductKeyState | null; first?: number | null; after?: string | null },
  ): Promise<Connection<ProductKeyRow>> {
    const viewer = authorize(viewerIn, PRODUCT_KEYS);
    const size = pageSize(args.first);
    const rows = await this.store.page(viewer.partnerId, {
      state: args.state,
      limit: size + 1,
      after: decodeKeyset(args.after, 'timestamp'),
    });
    return toConnection(rows, size, (row) => [row.orderedAt.toISOString(), row.id]);
  }

  /** An AVAILABLE key that no redemption holds becomes REVOKED; another partner's key is NOT_FOUND. */
  async revoke(actor: Actor, id: string): Promise<ProductKeyRow> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    return this.db.transaction(async (manager) => {
      const key = isUuid(id) ? await this.store.lockOwn(manager, viewer.partnerId, id) : null;
      if (!key) throw new DomainError('NOT_FOUND', 'Product key not found', 'id');
      checkRevocable(key);
      const revoked: ProductKeyRow = { ...key, state: 'REVOKED' };
      await this.store.setState(id, 'REVOKED', manager);
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'revokeProductKey',
          resourceType: 'ProductKey',
          resourceId: id,
          oldValue: { state: key.state },
          newValue: { state: 'REVOKED' },
        },
      );
      return revoked;
    });
  }

  /** The review step: what each entered key is, for the viewer's partner. Changes nothing. */
  async validate(viewerIn: Viewer, inputs: string[]): Promise<ProductKeyValidationView[]> {
    const viewer = authorize(viewerIn, PRODUCT_KEYS);
    if (inputs.length > MAX_KEYS_PER_REQUEST)
      throw new DomainError('VALIDATION_FAILED', `At most ${MAX_KEYS_PER_REQUEST} keys at a time`, 'keys');
    const parsed = inputs.map((input) => ({ input, result: normaliseProductKey(input) }));
    const hashes = parsed.flatMap(({ result }) => (result.ok ? [hashProductKey(result.key)] : []));
    const found = await this.store.byHashes(viewer.partnerId, hashes);
    return parsed.map(({ input, result }) => reviewKey(input, result, found));
  }
}
