/*
 * The customer-facing pages at the links the API hands out (PUBLIC_ACCEPT_URL): no partner sign-in,
 * the code in the URL authorises (a delegated-admin offer also needs the customer's administrator
 * to sign in). They show what the link offers and who sends it, and nothing of the
 * partner beyond its name and contact.
 */

export { AcceptTrialInvitationPage } from './AcceptTrialInvitationPage';
export { AcceptPurchaseOfferPage } from './AcceptPurchaseOfferPage';
export { AcceptDelegatedAdminOfferPage } from './AcceptDelegatedAdminOfferPage';
export { EndDelegatedAdminPage } from './EndDelegatedAdminPage';
