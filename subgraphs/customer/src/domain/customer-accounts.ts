import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';
import {
  authorize,
  DomainError,
  generateCode,
  generateTemporaryPassword,
  hashPassword,
  idempotent,
  idempotencyKeyUsed,
  isCountryCode,
  isDomainPrefix,
  isUuid,
  normaliseEmail,
  OfferAvailabilityDocument,
  pageSize,
  decodeCursor,
  toConnection,
  Problems,
  sha256,
  writeAudit,
  readCustomerAccount,
  recordEvent,
  addMonths,
  ServiceCallError,
  ServiceUnavailableError,
  type Clock,
  type Connection,
  type CustomerAccountRules,
  type OfferAvailability,
  type PartnerViewer,
  type ServiceClient,
  type Viewer,
  type Actor,
} from '@partner-graph/platform';
import type {
  CustomerStore,
  CustomerUserStore,
  DelegatedAdminStore,
  CustomerRelationship,
  CustomerRow,
  PlannedSubscriptionRow,
  SubscriptionChannel,
} from '../db/index.js';
import type { CustomerAccessView } from '../db/customer-views.js';
import { customerOfViewer, READ_CUSTOMERS } from './access.js';
import { DELEGATED_ADMIN_MONTHS, domainOf, likePrefix, localeOf, prefixFromName } from './rules.js';
import type { Provisioner } from './provisioner.js';

/** A partner's new customer names everything: its domain, its address, a contact with a phone. */
const NEW_CUSTOMER: CustomerAccountRules = { role: 'contact', address: 'required', phone: 'required', domainPrefix: 'required' };
/** Another subgraph's flow (an acceptance, a redemption) may leave the address, the phone and the domain to defaults. */
const ACCOUNT_FOR_A_FLOW: CustomerAccountRules = { role: 'contact', address: 'optional', phone: 'optional', domainPrefix: 'optional' };

export interface NewCustomerInput {
  companyName: string;
  domainPrefix: string;
  country: string;
  addressLine1: string;
  addressLine2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone: string;
  language?: string | null;
  culture?: string | null;
  subscription: { offerId: string; quantity: number };
}

export interface AccountInput {
  partnerId: string;
  relationship: CustomerRelationship;
  companyName: string;
  domainPrefix?: string | null;
  country: string;
  addressLine1?: string | null;
  city?: string | null;
  postalCode?: string | null;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone?: string | null;
  includeDelegatedAdmin?: boolean | null;
  /**
   * The first administrator's password, hashed by the calling service's flow, which showed the
   * password to the customer when it started (the account is made later, in the background);
   * without it a temporary password is made here and returned once.
   */
  adminPasswordHash?: string | null;
  /**
   * With `includeDelegatedAdmin`: the sha256 of the customer's code to end the relationship, made
   * and shown by the calling flow's mutation (as the password); without it a code is made here and
   * its link returned once.
   */
  delegatedAdminTerminationCodeHash?: string | null;
  subscriptions: {
    offerId: string;
    quantity: number;
    channel: SubscriptionChannel;
    termMonths?: number | null;
    isTrial?: boolean | null;
  }[];
}

export interface CustomerPreview {
  companyName: string;
  defaultDomain: string;
  country: string;
  relationship: CustomerRelationship;
  adminUserName: string;
  subscription: { offerId: string; offerName: string | null; quantity: number; term: string | null; billingCycle: string | null };
}

export interface CreateCustomerResult {
  dryRun: boolean;
  preview: CustomerPreview;
  customer: CustomerAccessView | null;
  credentials: { userName: string; temporaryPassword: string | null } | null;
}

interface AccountSpec {
  partnerId: string;
  relationship: CustomerRelationship;
  row: Omit<CustomerRow, 'id' | 'tenantId' | 'provisioningState' | 'provisioningError' | 'createdAt' | 'updatedAt'>;
  includeDelegatedAdmin: boolean;
  subscriptions: PlannedSubscriptionRow[];
}

/** What an account creation stores as its idempotency receipt (never the password). */
interface AccountReceipt {
  customerId: string;
  adminUserId: string;
  adminUserName: string;
}

const CREATE_CUSTOMER = { programs: ['RESELLER'], customerAccess: ['FULL'] } as const;

const trimmed = (value: string | null | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Customer accounts: the partner's list, account creation and its provisioning. */
export class CustomerAccounts {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    /** Asks the offer subgraph whether the partner may sell the first subscription's offer. */
    private readonly services: ServiceClient,
    private readonly provisioner: Provisioner,
    /** The customer's link to end a delegated-admin relationship, from its code. */
    private readonly terminationUrl: (code: string) => string,
    private readonly customers: CustomerStore,
    private readonly users: CustomerUserStore,
    private readonly relationships: DelegatedAdminStore,
  ) {}

  async list(
    viewer: Viewer,
    args: { first?: number | null; after?: string | null; search?: string | null },
  ): Promise<Connection<CustomerAccessView>> {
    const partner = authorize(viewer, READ_CUSTOMERS);
    const size = pageSize(args.first);
    const cursor = decodeCursor(args.after);
    if (cursor && (cursor.length !== 2 || typeof cursor[0] !== 'string' || typeof cursor[1] !== 'string' || !isUuid(cursor[1]))) {
      throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', 'after');
    }
    const search = args.search?.trim().toLowerCase();
    const rows = await this.customers.page({
      partnerId: partner.partnerId,
      now: this.clock.now(),
      limit: size + 1,
      after: cursor ? [cursor[0] as string, cursor[1] as string] : null,
      prefixPattern: search ? likePrefix(search) : null,
    });
    return toConnection(rows, size, (row) => [row.nameKey, row.id]);
  }

  /** For a form: available, or why not (the prefix is malformed, or another tenant has it). */
  async isDomainAvailable(
    viewer: Viewer,
    prefix: string,
  ): Promise<{ domain: string | null; available: boolean; reason: 'INVALID_PREFIX' | 'TAKEN' | null; message: string | null }> {
    authorize(viewer);
    const value = prefix.trim().toLowerCase();
    if (!isDomainPrefix(value)) {
      return {
        domain: null,
        available: false,
        reason: 'INVALID_PREFIX',
        message: 'Domain prefix: 1 to 27 letters, digits or inner hyphens',
      };
    }
    const domain = domainOf(value);
    if (await this.customers.domainTaken(domain))
      return { domain, available: false, reason: 'TAKEN', message: `${domain} is already taken` };
    return { domain, available: true, reason: null, message: null };
  }

  /** createCustomer: validate, (dry run: stop there), create PROVISIONING with its admin and its provisioning flow (run once committed). */
  async createCustomer(actor: Actor, input: NewCustomerInput, idempotencyKey: string, dryRun: boolean): Promise<CreateCustomerResult> {
    const viewer = authorize(actor.viewer, CREATE_CUSTOMER);
    if (!idempotencyKey.trim()) throw new DomainError('VALIDATION_FAILED', 'idempotencyKey is required', 'idempotencyKey');
    const replay =
      !dryRun && (await idempotencyKeyUsed(this.db.manager, { scope: viewer.partnerId, operation: 'createCustomer', key: idempotencyKey }));

    const problems = new Problems();
    const account = readCustomerAccount(input, NEW_CUSTOMER, problems);
    const { country } = account;
    const prefix = account.domainPrefix ?? '';
    if (isDomainPrefix(prefix) && !replay && (await this.customers.domainTaken(domainOf(prefix)))) {
      problems.add('DOMAIN_TAKEN', `${domainOf(prefix)} is already taken`, 'domainPrefix');
    }
    const offer = await this.checkFirstSubscription(actor, viewer, country, input.subscription, problems);
    problems.throwIfAny();

    const { language, culture } = localeOf(country, input.language, input.culture);
    const spec: AccountSpec = {
      partnerId: viewer.partnerId,
      relationship: 'RESELLER',
      row: {
        companyName: account.companyName,
        defaultDomain: domainOf(prefix),
        country,
        addressLine1: account.addressLine1,
        addressLine2: trimmed(input.addressLine2),
        city: account.city,
        region: trimmed(input.region),
        postalCode: account.postalCode?.toUpperCase() ?? null,
        contactFirstName: account.person.firstName,
        contactLastName: account.person.lastName,
        contactEmail: normaliseEmail(account.person.email),
        contactPhone: account.person.phone,
        language,
        culture,
      },
      includeDelegatedAdmin: false,
      subscriptions: [
        {
          offerId: input.subscription.offerId,
          quantity: input.subscription.quantity,
          channel: 'RESELLER',
          partnerId: viewer.partnerId,
          termMonths: null,
          isTrial: false,
        },
      ],
    };
    const preview: CustomerPreview = {
      companyName: spec.row.companyName,
      defaultDomain: spec.row.defaultDomain,
      country,
      relationship: 'RESELLER',
      adminUserName: `admin@${spec.row.defaultDomain}`,
      subscription: {
        offerId: input.subscription.offerId,
        offerName: offer?.name ?? null,
        quantity: input.subscription.quantity,
        term: offer?.term ?? null,
        billingCycle: offer?.billingCycle ?? null,
      },
    };
    if (dryRun) return { dryRun: true, preview, customer: null, credentials: null };

    let temporaryPassword: string | null = null;
    const receipt = await this.inTransaction((manager) =>
      idempotent(
        manager,
        { scope: viewer.partnerId, operation: 'createCustomer', key: idempotencyKey, request: input, clock: this.clock },
        async () => {
          const created = await this.insertAccount(manager, actor, spec, 'createCustomer');
          temporaryPassword = created.temporaryPassword;
          return created.receipt;
        },
      ),
    );
    const [customer] = await this.customers.ofPartner(viewer.partnerId, [receipt.customerId], this.clock.now());
    return { dryRun: false, preview, customer: customer ?? null, credentials: { userName: receipt.adminUserName, temporaryPassword } };
  }

  /** The internal account creation of the other subgraphs' flows (product keys, purchase offers, trial invitations). */
  async createAccount(
    actor: Actor,
    input: AccountInput,
    idempotencyKey: string,
  ): Promise<AccountReceipt & { temporaryPassword: string | null; delegatedAdminTerminationUrl: string | null }> {
    const problems = new Problems();
    if (!isUuid(input.partnerId)) problems.add('VALIDATION_FAILED', 'Unknown partner', 'partnerId');
    if (input.adminPasswordHash != null && !input.adminPasswordHash.startsWith('scrypt:'))
      problems.add('VALIDATION_FAILED', 'Not a password hash', 'adminPasswordHash');
    if (input.delegatedAdminTerminationCodeHash != null && !/^[0-9a-f]{64}$/.test(input.delegatedAdminTerminationCodeHash)) {
      problems.add('VALIDATION_FAILED', 'Not a sha256 hash', 'delegatedAdminTerminationCodeHash');
    }
    const account = readCustomerAccount(input, ACCOUNT_FOR_A_FLOW, problems);
    const { country } = account;
    const prefix = account.domainPrefix;
    input.subscriptions.forEach((s, i) => {
      if (!isUuid(s.offerId)) problems.add('OFFER_NOT_AVAILABLE', 'Unknown offer', `subscriptions.${i}.offerId`);
      if (!Number.isInteger(s.quantity) || s.quantity < 1)
        problems.add('QUANTITY_OUT_OF_RANGE', 'Quantity must be at least 1', `subscriptions.${i}.quantity`);
    });
    problems.throwIfAny();

    let temporaryPassword: string | null = null;
    let terminationCode: string | null = null;
    const receipt = await this.inTransaction((manager) =>
      idempotent(
        manager,
        { scope: input.partnerId, operation: 'createCustomerAccount', key: idempotencyKey, request: input, clock: this.clock },
        async () => {
          const domain = prefix ? domainOf(prefix) : await this.freeDomainFor(manager, account.companyName);
          if (prefix && (await this.customers.domainTaken(domain, manager)))
            throw new DomainError('DOMAIN_TAKEN', `${domain} is already taken`, 'domainPrefix');
          const { language, culture } = localeOf(country);
          const created = await this.insertAccount(
            manager,
            actor,
            {
              partnerId: input.partnerId,
              relationship: input.relationship,
              row: {
                companyName: account.companyName,
                defaultDomain: domain,
                country,
                addressLine1: account.addressLine1,
                addressLine2: null,
                city: account.city,
                region: null,
                postalCode: account.postalCode?.toUpperCase() ?? null,
                contactFirstName: account.person.firstName,
                contactLastName: account.person.lastName,
                contactEmail: normaliseEmail(account.person.email),
                contactPhone: account.person.phone,
                language,
                culture,
              },
              includeDelegatedAdmin: input.includeDelegatedAdmin ?? false,
              subscriptions: input.subscriptions.map((s) => ({
                offerId: s.offerId,
                quantity: s.quantity,
                channel: s.channel,
                partnerId: s.channel === 'DIRECT' ? null : input.partnerId,
                termMonths: s.termMonths ?? null,
                isTrial: s.isTrial ?? false,
              })),
            },
            'createCustomerAccount',
            { adminPasswordHash: input.adminPasswordHash ?? null, terminationCodeHash: input.delegatedAdminTerminationCodeHash ?? null },
          );
          temporaryPassword = created.temporaryPassword;
          terminationCode = created.terminationCode;
          return created.receipt;
        },
      ),
    );
    return { ...receipt, temporaryPassword, delegatedAdminTerminationUrl: terminationCode ? this.terminationUrl(terminationCode) : null };
  }

  /** A FAILED customer goes back to PROVISIONING and its provisioning runs again (RESELLER + FULL). */
  async retryProvisioning(actor: Actor, customerId: string): Promise<CustomerAccessView> {
    const viewer = authorize(actor.viewer, CREATE_CUSTOMER);
    await this.db.transaction(async (manager) => {
      const customer = await customerOfViewer(manager, this.clock, viewer, customerId, { lock: true });
      if (customer.provisioningState !== 'FAILED') {
        throw new DomainError(
          'INVALID_STATUS_TRANSITION',
          `Only a FAILED customer can be provisioned again (it is ${customer.provisioningState})`,
          'customerId',
        );
      }
      await this.customers.setProvisioning(
        customerId,
        { provisioningState: 'PROVISIONING', provisioningError: null, updatedAt: this.clock.now() },
        manager,
      );
      await writeAudit(
        manager,
        { ...actor, clock: this.clock },
        {
          operation: 'retryCustomerProvisioning',
          resourceType: 'Customer',
          resourceId: customerId,
          customerId,
          oldValue: { provisioningState: 'FAILED', provisioningError: customer.provisioningError },
          newValue: { provisioningState: 'PROVISIONING' },
        },
      );
      await this.provisioner.restart(manager, customerId);
    });
    const [customer] = await this.customers.ofPartner(viewer.partnerId, [customerId], this.clock.now());
    return customer!;
  }

  /** Internal: the customers among `customerIds` related to `partnerId`. */
  async accessOf(partnerId: string, customerIds: string[]): Promise<CustomerAccessView[]> {
    if (!isUuid(partnerId)) return [];
    return this.customers.ofPartner(partnerId, [...new Set(customerIds.filter(isUuid))], this.clock.now());
  }

  private async checkFirstSubscription(
    actor: Actor,
    viewer: PartnerViewer,
    country: string,
    subscription: { offerId: string; quantity: number },
    problems: Problems,
  ): Promise<OfferAvailability | null> {
    if (!Number.isInteger(subscription.quantity) || subscription.quantity < 1) {
      problems.add('QUANTITY_OUT_OF_RANGE', 'The number of seats must be at least 1', 'subscription.quantity');
    }
    if (!isUuid(subscription.offerId)) {
      problems.add('OFFER_NOT_AVAILABLE', 'This offer is not available', 'subscription.offerId');
      return null;
    }
    if (!isCountryCode(country)) return null;
    let offer: OfferAvailability | undefined;
    try {
      [offer] = (
        await this.services.call(
          'offer',
          OfferAvailabilityDocument,
          { partnerId: viewer.partnerId, country, offerIds: [subscription.offerId] },
          actor,
        )
      ).offerAvailability;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableError || error instanceof ServiceCallError)) throw error;
      // The form cannot be checked right now: the client may retry; nothing was created.
      throw new GraphQLError('The offer catalogue is unavailable; try again shortly', {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
        originalError: error,
      });
    }
    if (!offer?.available) {
      problems.add('OFFER_NOT_AVAILABLE', `This offer is not available to your organisation in ${country}`, 'subscription.offerId');
      return null;
    }
    if (offer.isTrial)
      problems.add(
        'OFFER_NOT_AVAILABLE',
        'A trial is offered through a trial invitation, not a new customer account',
        'subscription.offerId',
      );
    if (offer.isAddOn)
      problems.add(
        'PREREQUISITE_MISSING',
        'An add-on needs a prerequisite subscription the new customer does not have',
        'subscription.offerId',
      );
    const min = offer.minQuantity ?? 1;
    const max = offer.maxQuantity ?? Number.MAX_SAFE_INTEGER;
    if (
      Number.isInteger(subscription.quantity) &&
      subscription.quantity >= 1 &&
      (subscription.quantity < min || subscription.quantity > max)
    ) {
      problems.add(
        'QUANTITY_OUT_OF_RANGE',
        `The number of seats must be between ${min} and ${offer.maxQuantity ?? 'unlimited'}`,
        'subscription.quantity',
      );
    }
    return offer;
  }

  private async insertAccount(
    manager: EntityManager,
    actor: Actor,
    spec: AccountSpec,
    operation: string,
    /** Secrets the caller made and showed itself, hashed; what is missing is made here and returned once. */
    secrets: { adminPasswordHash: string | null; terminationCodeHash: string | null } = {
      adminPasswordHash: null,
      terminationCodeHash: null,
    },
  ): Promise<{ receipt: AccountReceipt; temporaryPassword: string | null; terminationCode: string | null }> {
    const { adminPasswordHash } = secrets;
    if (await this.customers.domainTaken(spec.row.defaultDomain, manager)) {
      throw new DomainError('DOMAIN_TAKEN', `${spec.row.defaultDomain} is already taken`, 'domainPrefix');
    }
    const now = this.clock.now();
    const customerId = randomUUID();
    const adminUserId = randomUUID();
    const adminUserName = `admin@${spec.row.defaultDomain}`;
    const temporaryPassword = adminPasswordHash ? null : generateTemporaryPassword();
    await this.customers.insert(
      {
        ...spec.row,
        id: customerId,
        tenantId: null,
        provisioningState: 'PROVISIONING',
        provisioningError: null,
        createdAt: now,
        updatedAt: now,
      },
      manager,
    );
    await this.customers.relate(
      {
        customerId,
        partnerId: spec.partnerId,
        relationship: spec.relationship,
        nameKey: spec.row.companyName.toLowerCase(),
        domainKey: spec.row.defaultDomain.toLowerCase(),
        createdAt: now,
      },
      manager,
    );
    await this.users.insert(
      {
        id: adminUserId,
        customerId,
        userName: adminUserName,
        firstName: spec.row.contactFirstName,
        lastName: spec.row.contactLastName,
        isAdmin: true,
        passwordHash: adminPasswordHash ?? (await hashPassword(temporaryPassword!)),
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      },
      manager,
    );
    // Accepted with the offer: the customer gets its own code to end the relationship, as on acceptDelegatedAdminOffer.
    const terminationCode = spec.includeDelegatedAdmin && !secrets.terminationCodeHash ? generateCode() : null;
    const terminationCodeHash = spec.includeDelegatedAdmin ? (secrets.terminationCodeHash ?? sha256(terminationCode!)) : null;
    if (terminationCodeHash) {
      await this.relationships.insert(
        {
          id: randomUUID(),
          customerId,
          partnerId: spec.partnerId,
          access: 'FULL',
          status: 'ACTIVE',
          codeHash: null,
          terminationCodeHash,
          createdAt: now,
          acceptedAt: now,
          expiresAt: addMonths(now, DELEGATED_ADMIN_MONTHS),
          terminatedAt: null,
        },
        manager,
      );
    }
    await this.provisioner.start(manager, customerId, { partnerId: spec.partnerId, adminUserId, subscriptions: spec.subscriptions });
    await writeAudit(
      manager,
      { ...actor, clock: this.clock },
      {
        operation,
        resourceType: 'Customer',
        resourceId: customerId,
        customerId,
        newValue: {
          ...spec.row,
          relationship: spec.relationship,
          provisioningState: 'PROVISIONING',
          adminUserName,
          subscriptions: spec.subscriptions,
        },
      },
    );
    await recordEvent(manager, this.clock, {
      type: 'customer.created',
      partnerId: spec.partnerId,
      objectType: 'Customer',
      objectId: customerId,
      data: {
        companyName: spec.row.companyName,
        defaultDomain: spec.row.defaultDomain,
        country: spec.row.country,
        relationship: spec.relationship,
        provisioningState: 'PROVISIONING',
        reason: operation,
      },
    });
    return { receipt: { customerId, adminUserId, adminUserName }, temporaryPassword, terminationCode };
  }

  /** `<slug>.onmicrosoft.com`, or `<slug><n>` when taken. */
  private async freeDomainFor(manager: EntityManager, companyName: string): Promise<string> {
    const slug = prefixFromName(companyName);
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = domainOf(attempt === 0 ? slug : `${slug}${Math.floor(1000 + Math.random() * 9000)}`);
      if (!(await this.customers.domainTaken(candidate, manager))) return candidate;
    }
    throw new DomainError('DOMAIN_TAKEN', 'No free domain could be derived from the company name', 'domainPrefix');
  }

  /** A transaction whose unique-domain race surfaces as DOMAIN_TAKEN. */
  private async inTransaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(run);
    } catch (error) {
      const driver = error as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string };
      const code = driver.driverError?.code ?? driver.code;
      const constraint = driver.driverError?.constraint ?? driver.constraint;
      if (code === '23505' && (constraint === 'customer_default_domain' || constraint === 'customer_user_name')) {
        throw new DomainError('DOMAIN_TAKEN', 'This domain was just taken', 'domainPrefix');
      }
      throw error;
    }
  }
}
