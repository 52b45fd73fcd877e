import { subgraphCodegen } from '../../codegen.js';

export default subgraphCodegen({
  ProductKey: 'ProductKeyRow',
  ProductKeyRedemption: 'RedemptionRow',
  ProductKeyValidation: 'ProductKeyValidationView',
});
