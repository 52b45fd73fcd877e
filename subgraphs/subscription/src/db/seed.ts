import type { DataSource } from 'typeorm';
import { addDays, addMonths, DEMO, type Clock } from '@partner-graph/platform';
import { LicenceAssignment, Subscription, SubscriptionHistory, type SubscriptionRow } from './entities.js';

/** The demo subscriptions; does nothing when there are subscriptions already. */
export async function seedDemo(db: DataSource, clock: Clock): Promise<void> {
  if ((await db.getRepository(Subscription).count()) > 0) return;
  const now = clock.now();
  const subscription = (
    spec: Pick<
      SubscriptionRow,
      | 'id'
      | 'customerId'
      | 'offerId'
      | 'partnerId'
      | 'channel'
      | 'friendlyName'
      | 'quantity'
      | 'termMonths'
      | 'billingCycle'
      | 'endDate'
      | 'autoRenew'
    >,
  ): SubscriptionRow => {
    const startDate = addMonths(spec.endDate, -spec.termMonths);
    return {
      ...spec,
      status: 'ACTIVE',
      isTrial: false,
      startDate,
      version: 1,
      renewedFromId: null,
      createdAt: startDate,
      updatedAt: startDate,
    };
  };
  const rows: SubscriptionRow[] = [
    subscription({
      id: DEMO.subscriptions.northwindBusinessStandard,
      customerId: DEMO.customers.northwind,
      offerId: DEMO.offers.businessStandard,
      partnerId: DEMO.partners.contoso,
      channel: 'RESELLER',
      friendlyName: 'Microsoft 365 Business Standard',
      quantity: 10,
      termMonths: 12,
      billingCycle: 'MONTHLY',
      endDate: addMonths(now, 8),
      autoRenew: true,
    }),
    subscription({
      id: DEMO.subscriptions.northwindE3Ending,
      customerId: DEMO.customers.northwind,
      offerId: DEMO.offers.e3,
      partnerId: DEMO.partners.contoso,
      channel: 'RESELLER',
      friendlyName: 'Office 365 E3',
      quantity: 25,
      termMonths: 12,
      billingCycle: 'ANNUAL',
      endDate: addDays(now, 5),
      autoRenew: false,
    }),
    subscription({
      id: DEMO.subscriptions.adventureWorksDirectE3,
      customerId: DEMO.customers.adventureWorks,
      offerId: DEMO.offers.e3,
      partnerId: null,
      channel: 'DIRECT',
      friendlyName: 'Office 365 E3',
      quantity: 50,
      termMonths: 12,
      billingCycle: 'ANNUAL',
      endDate: addMonths(now, 6),
      autoRenew: true,
    }),
    subscription({
      id: DEMO.subscriptions.alpineBusinessBasic,
      customerId: DEMO.customers.alpineSkiHouse,
      offerId: DEMO.offers.businessBasic,
      partnerId: DEMO.partners.fabrikam,
      channel: 'RESELLER',
      friendlyName: 'Microsoft 365 Business Basic',
      quantity: 5,
      termMonths: 12,
      billingCycle: 'MONTHLY',
      endDate: addMonths(now, 10),
      autoRenew: true,
    }),
  ];
  const admins: [string, string][] = [
    [DEMO.subscriptions.northwindBusinessStandard, DEMO.customerAdmins.northwind],
    [DEMO.subscriptions.adventureWorksDirectE3, DEMO.customerAdmins.adventureWorks],
    [DEMO.subscriptions.alpineBusinessBasic, DEMO.customerAdmins.alpineSkiHouse],
  ];
  await db.transaction(async (manager) => {
    await manager.insert(Subscription, rows);
    await manager.insert(
      LicenceAssignment,
      admins.map(([subscriptionId, customerUserId]) => ({
        subscriptionId,
        customerUserId,
        assignedAt: rows.find((row) => row.id === subscriptionId)!.startDate,
      })),
    );
    await manager.insert(
      SubscriptionHistory,
      rows.map((row) => ({
        subscriptionId: row.id,
        customerId: row.customerId,
        occurredAt: row.startDate,
        actorKind: 'SYSTEM' as const,
        partnerId: null,
        userId: null,
        action: 'seed',
        field: 'status',
        oldValue: null,
        newValue: 'ACTIVE',
        requestId: 'seed',
      })),
    );
  });
}
