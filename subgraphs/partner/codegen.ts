import { subgraphCodegen } from '../../codegen.js';

export default subgraphCodegen({
  Partner: 'PartnerRow',
  PartnerUser: 'PartnerUserRow',
  AuditRecord: 'AuditRecordView',
  WebhookEndpoint: 'WebhookEndpointRow',
  WebhookDelivery: 'WebhookAttemptRow',
});
