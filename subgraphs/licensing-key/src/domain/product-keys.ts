import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import {
  authorize,
  decodeCursor,
  DomainError,
  idempotent,
  isUuid,
  pageSize,
  Problems,
  toConnection,
  writeAudit,
  type AccessRule,
  type Clock,
  type Connection,
  type PartnerViewer,
  type Viewer,
} from '@partner-graph/platform';
import { ProductKey, type ProductKeyRow, type ProductKeyState } from '../db/index.js';
import { formatProductKey, generateProductKey, hashProductKey, lastFiveOf, maskProductKey, normaliseProductKey } from './key-format.js';
import type { RemoteServices } from './remote-services.js';

/** SPEC §3.3: order, list, validate and redeem product keys, renew with a key. */
export const PRODUCT_KEYS: AccessRule = { programs: ['SUBSCRIPTION_ADVISOR'], customerAccess: ['FULL'] };

export const MAX_KEYS_PER_ORDER = 100;
export const MAX_KEYS_PER_REQUEST = 100;

export interface Actor {
  viewer: Viewer;
  requestId: string;
}

export type ProductKeyValidationStatus = 'VALID' | 'UNKNOWN' | 'ALREADY_REDEEMED' | 'REVOKED' | 'MALFORMED';

export interface ProductKeyValidationView {
  input: string;
  maskedKey: string | null;
  status: ProductKeyValidationStatus;
  message: string | null;
  productKey: ProductKeyRow | null;
  offer: { id: string } | null;
  seats: number | null;
  termMonths: number | null;
}

export interface OrderedKey {
  key: string | null;
  productKey: ProductKeyRow;
}

/** A key is taken once it is redeemed, or while a redemption or renewal holds it. */
export const isTaken = (key: ProductKeyRow): boolean => key.state === 'REDEEMED' || key.redemptionId !== null;

/** Product-key cards are annual (Microsoft Open); a partner may order other terms. */
export const DEFAULT_TERM_MONTHS = 12;
export const MAX_TERM_MONTHS = 36;

/** The partner's stock of product keys: ordering, listing, and the review step before a redemption. */
export class ProductKeys {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly remote: RemoteServices,
  ) {}

  async order(actor: Actor, input: { offerId: string; count: number; seatsPerKey?: number | null; termMonths?: number | null }, idempotencyKey: string | null | undefined): Promise<OrderedKey[]> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    const problems = new Problems();
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_KEYS_PER_ORDER) {
      problems.add('VALIDATION_FAILED', `Order between 1 and ${MAX_KEYS_PER_ORDER} keys`, 'count');
    }
    const termMonths = input.termMonths ?? DEFAULT_TERM_MONTHS;
    if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > MAX_TERM_MONTHS) {
      problems.add('VALIDATION_FAILED', `A key gives 1 to ${MAX_TERM_MONTHS} months of term`, 'termMonths');
    }
    if (!isUuid(input.offerId)) problems.add('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
    problems.throwIfAny();

    const offer = await this.remote.offerAnywhere({ viewer, requestId: actor.requestId }, viewer.partnerId, input.offerId);
    if (!offer?.available) throw new DomainError('OFFER_NOT_AVAILABLE', 'This offer is not available to your organisation', 'offerId');
    if (offer.isTrial) throw new DomainError('OFFER_NOT_AVAILABLE', 'Trial offers are not sold as product keys', 'offerId');
    const min = offer.minQuantity ?? 1;
    const max = offer.maxQuantity ?? Number.MAX_SAFE_INTEGER;
    const seats = input.seatsPerKey ?? min;
    if (!Number.isInteger(seats) || seats < min || seats > max) {
      throw new DomainError('QUANTITY_OUT_OF_RANGE', `Seats per key must be between ${min} and ${max} for ${offer.name ?? 'this offer'}`, 'seatsPerKey');
    }

    const fullKeys = new Map<string, string>();
    const receipt = await this.db.transaction((manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'orderProductKeys', key: idempotencyKey, request: { offerId: input.offerId, count: input.count, seats, termMonths }, clock: this.clock },
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
          await manager.insert(ProductKey, rows);
          await writeAudit(manager, { ...actor, clock: this.clock }, {
            operation: 'orderProductKeys',
            resourceType: 'ProductKeyOrder',
            resourceId: orderId,
            newValue: { offerId: input.offerId, count: input.count, seatsPerKey: seats, termMonths, keys: rows.map((r) => maskProductKey(r.lastFive)) },
          });
          return { keyIds: rows.map((r) => r.id) };
        },
      ),
    );
    const rows = await this.db.getRepository(ProductKey).findBy({ id: In(receipt.keyIds) });
    const byId = new Map(rows.map((r) => [r.id, r]));
    // A replayed order returns the same keys, masked: the full text is shown once.
    return receipt.keyIds.map((id) => ({ key: fullKeys.get(id) ?? null, productKey: byId.get(id)! }));
  }

  async list(viewerIn: Viewer, args: { state?: ProductKeyState | null; first?: number | null; after?: string | null }): Promise<Connection<ProductKeyRow>> {
    const viewer = authorize(viewerIn, PRODUCT_KEYS);
    const size = pageSize(args.first);
    const cursor = decodeCursor(args.after);
    const query = this.db
      .getRepository(ProductKey)
      .createQueryBuilder('k')
      .where('k.partner_id = :partnerId', { partnerId: viewer.partnerId })
      .orderBy('k.ordered_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(size + 1);
    if (args.state) query.andWhere('k.state = :state', { state: args.state });
    if (cursor) {
      const [orderedAt, id] = cursor;
      if (typeof orderedAt !== 'string' || typeof id !== 'string' || !isUuid(id) || Number.isNaN(Date.parse(orderedAt))) {
        throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
      }
      query.andWhere('(k.ordered_at, k.id) < (:orderedAt, :id)', { orderedAt: new Date(orderedAt), id });
    }
    const rows = await query.getMany();
    return toConnection(rows, size, (row) => [row.orderedAt.toISOString(), row.id]);
  }

  /** An AVAILABLE key that no redemption holds becomes REVOKED; another partner's key is NOT_FOUND. */
  async revoke(actor: Actor, id: string): Promise<ProductKeyRow> {
    const viewer = authorize(actor.viewer, PRODUCT_KEYS);
    return this.db.transaction(async (manager) => {
      const key = isUuid(id)
        ? await manager.findOne(ProductKey, { where: { id, partnerId: viewer.partnerId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!key) throw new DomainError('NOT_FOUND', 'Product key not found', 'id');
      if (key.state !== 'AVAILABLE' || key.redemptionId !== null) {
        throw new DomainError('INVALID_STATUS_TRANSITION', `Only an unused key can be revoked (this one is ${isTaken(key) ? 'redeemed' : key.state.toLowerCase()})`, 'id');
      }
      const revoked: ProductKeyRow = { ...key, state: 'REVOKED' };
      await manager.update(ProductKey, { id }, { state: 'REVOKED' });
      await writeAudit(manager, { ...actor, clock: this.clock }, {
        operation: 'revokeProductKey',
        resourceType: 'ProductKey',
        resourceId: id,
        oldValue: { state: key.state },
        newValue: { state: 'REVOKED' },
      });
      return revoked;
    });
  }

  /** The review step: what each entered key is, for the viewer's partner. Changes nothing. */
  async validate(viewerIn: Viewer, inputs: string[]): Promise<ProductKeyValidationView[]> {
    const viewer = authorize(viewerIn, PRODUCT_KEYS);
    if (inputs.length > MAX_KEYS_PER_REQUEST) throw new DomainError('VALIDATION_FAILED', `At most ${MAX_KEYS_PER_REQUEST} keys at a time`, 'keys');
    const parsed = inputs.map((input) => ({ input, result: normaliseProductKey(input) }));
    const hashes = parsed.flatMap(({ result }) => (result.ok ? [hashProductKey(result.key)] : []));
    const found = await keysByHash(this.db.manager, viewer, hashes);
    return parsed.map(({ input, result }): ProductKeyValidationView => {
      if (!result.ok) return { input, maskedKey: null, status: 'MALFORMED', message: result.message, productKey: null, offer: null, seats: null, termMonths: null };
      const maskedKey = maskProductKey(lastFiveOf(result.key));
      const key = found.get(hashProductKey(result.key));
      // Another partner's key reads exactly like a key that does not exist.
      if (!key) return { input, maskedKey, status: 'UNKNOWN', message: 'This key is not one of your organisation’s product keys', productKey: null, offer: null, seats: null, termMonths: null };
      const details = { input, maskedKey, productKey: key, offer: { id: key.offerId }, seats: key.seats, termMonths: key.termMonths };
      if (key.state === 'REVOKED') return { ...details, status: 'REVOKED', message: 'This key was revoked' };
      if (isTaken(key)) return { ...details, status: 'ALREADY_REDEEMED', message: 'This key was already redeemed' };
      return { ...details, status: 'VALID', message: null };
    });
  }
}

/** The viewer partner's keys among `hashes`, by hash; `lock` takes them FOR UPDATE (in id order, so lockers never deadlock). */
export async function keysByHash(manager: EntityManager, viewer: PartnerViewer, hashes: string[], lock = false): Promise<Map<string, ProductKeyRow>> {
  if (hashes.length === 0) return new Map();
  const query = manager
    .getRepository(ProductKey)
    .createQueryBuilder('k')
    .where('k.partner_id = :partnerId', { partnerId: viewer.partnerId })
    .andWhere('k.key_hash = ANY(:hashes)', { hashes })
    .orderBy('k.id');
  if (lock) query.setLock('pessimistic_write');
  const rows = await query.getMany();
  return new Map(rows.map((row) => [row.keyHash, row]));
}
