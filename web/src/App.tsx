import { lazy } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/AuthProvider';
import { Layout } from './components/Layout';
import { CustomersPage } from './pages/CustomersPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OidcCallbackPage, SignInPage } from './pages/SignInPage';

// The landing screens load with the app; the others when first opened.
const CustomerPage = lazy(() => import('./pages/CustomerPage').then((module) => ({ default: module.CustomerPage })));
const SubscriptionPage = lazy(() => import('./pages/SubscriptionPage').then((module) => ({ default: module.SubscriptionPage })));
const ProductKeysPage = lazy(() => import('./pages/product-keys/ProductKeysPage').then((module) => ({ default: module.ProductKeysPage })));
const RedeemProductKeysPage = lazy(() => import('./pages/product-keys/RedeemProductKeysPage').then((module) => ({ default: module.RedeemProductKeysPage })));
const PartnerPage = lazy(() => import('./pages/partner/PartnerPage').then((module) => ({ default: module.PartnerPage })));
const DelegatedAdminPage = lazy(() => import('./pages/DelegatedAdminPage').then((module) => ({ default: module.DelegatedAdminPage })));
const AddCustomerPage = lazy(() => import('./pages/AddCustomerPage').then((module) => ({ default: module.AddCustomerPage })));

/** The partner's pages need a signed-in user; the customer-facing `/accept/…` pages (issue 15) will not. */
function RequireSignIn({ children }: { children: React.ReactNode }) {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) return <Navigate to="/sign-in" replace state={{ returnTo: location.pathname + location.search }} />;
  return <>{children}</>;
}

export function App() {
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
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
