import { subgraphCodegen } from '../../codegen.js';

export default subgraphCodegen({
  Customer: 'CustomerReference',
  CustomerSubscription: 'SubscriptionRow',
  LicenceAssignment: 'LicenceAssignmentRow',
  SubscriptionHistoryEntry: 'SubscriptionHistoryRow',
  RenewalNotice: 'RenewalNoticeRow',
  ScheduledSubscriptionChange: 'ScheduledChangeOf',
});
