import { subgraphCodegen } from '../../codegen.js';

export default subgraphCodegen({
  Customer: 'CustomerAccessView',
  CustomerUser: 'CustomerUserRow',
  ServiceRequest: 'ServiceRequestRow',
  ServiceRequestNote: 'ServiceRequestNoteRow',
  DelegatedAdminRelationship: 'DelegatedAdminRelationshipRow',
});
