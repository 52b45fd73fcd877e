import { subgraphCodegen } from '../../codegen.js';

export default subgraphCodegen({
  Offer: 'OfferRow',
  TrialInvitation: 'TrialInvitationRow',
  PurchaseOffer: 'PurchaseOfferRow',
  PurchaseOfferLine: 'PurchaseOfferLineRow',
  OfferAcceptance: 'AcceptanceView',
  InvitationPreviewLine: 'InvitationPreviewLine',
});
