import { Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/AuthProvider';
import { Layout } from './components/Layout';
import { CustomersPage } from './pages/CustomersPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OidcCallbackPage, SignInPage } from './pages/SignInPage';
import { useI18n } from './i18n/I18nProvider';

// The landing screens load with the app; the others when first opened.
const CustomerPage = lazy(() => import('./pages/CustomerPage').then((module) => ({ default: module.CustomerPage })));
const SubscriptionPage = lazy(() => import('./pages/SubscriptionPage').then((module) => ({ default: module.SubscriptionPage })));
const ProductKeysPage = lazy(() => import('./pages/product-keys/ProductKeysPage').then((module) => ({ default: module.ProductKeysPage })));
const RedeemProductKeysPage = lazy(() =>
  import('./pages/product-keys/RedeemProductKeysPage').then((module) => ({ default: module.RedeemProductKeysPage })),
);
const PartnerPage = lazy(() => import('./pages/partner/PartnerPage').then((module) => ({ default: module.PartnerPage })));
const DelegatedAdminPage = lazy(() => import('./pages/DelegatedAdminPage').then((module) => ({ default: module.DelegatedAdminPage })));
const AddCustomerPage = lazy(() => import('./pages/AddCustomerPage').then((module) => ({ default: module.AddCustomerPage })));
const InvitationsPage = lazy(() => import('./pages/InvitationsPage').then((module) => ({ default: module.InvitationsPage })));
// The customer-facing pages at the links the API hands out (PUBLIC_ACCEPT_URL): no sign-in.
type CustomerPageName = 'AcceptTrialInvitationPage' | 'AcceptPurchaseOfferPage' | 'AcceptDelegatedAdminOfferPage' | 'EndDelegatedAdminPage';
const customerPage = (name: CustomerPageName) => lazy(() => import('./pages/accept').then((module) => ({ default: module[name] })));
const AcceptTrialInvitationPage = customerPage('AcceptTrialInvitationPage');
const AcceptPurchaseOfferPage = customerPage('AcceptPurchaseOfferPage');
const AcceptDelegatedAdminOfferPage = customerPage('AcceptDelegatedAdminOfferPage');
const EndDelegatedAdminPage = customerPage('EndDelegatedAdminPage');

/** The partner's pages need a signed-in user; the customer-facing `/accept/…` pages do not. */
function RequireSignIn({ children }: { children: React.ReactNode }) {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to="/sign-in" replace state={{ returnTo: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function App() {
  const { t } = useI18n();
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/auth/callback" element={<OidcCallbackPage />} />
      <Route
        element={
          <RequireSignIn>
            <Layout />
          </RequireSignIn>
        }
      >
        <Route index element={<Navigate to="/customers" replace />} />
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/customers/new" element={<AddCustomerPage />} />
        <Route path="/customers/:customerId" element={<CustomerPage />} />
        <Route path="/subscriptions/:subscriptionId" element={<SubscriptionPage />} />
        <Route path="/product-keys" element={<ProductKeysPage />} />
        <Route path="/product-keys/redeem" element={<RedeemProductKeysPage />} />
        <Route path="/partner" element={<PartnerPage />} />
        <Route path="/delegated-admin" element={<DelegatedAdminPage />} />
        <Route path="/invitations" element={<InvitationsPage />} />
      </Route>
      <Route
        element={
          <Suspense fallback={<Loader aria-label={t('common.loadingThePage')} m="xl" />}>
            <Outlet />
          </Suspense>
        }
      >
        <Route path="/accept/trial/:advisorCode/:code" element={<AcceptTrialInvitationPage />} />
        <Route path="/accept/purchase/:advisorCode/:code" element={<AcceptPurchaseOfferPage />} />
        <Route path="/accept/delegated-admin/end/:code" element={<EndDelegatedAdminPage />} />
        <Route path="/accept/delegated-admin/:code" element={<AcceptDelegatedAdminOfferPage />} />
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
