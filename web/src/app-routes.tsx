import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/auth-context';
import { pageLoading } from './components/page-loading';
import { LoginPage } from './pages/login-page';

// Each page is its own chunk: the login page loads none of them.
const AppLayout = lazy(() => import('./components/app-layout'));
const InboxPage = lazy(() => import('./pages/inbox-page'));
const CaseListPage = lazy(() => import('./pages/case-list-page'));
const CasePage = lazy(() => import('./pages/case-page'));
const NewCasePage = lazy(() => import('./pages/new-case-page'));
const ImportPage = lazy(() => import('./pages/import-page'));
const ReportPage = lazy(() => import('./pages/report-page'));
const PolicyPage = lazy(() => import('./pages/policy-page'));
const AuditPage = lazy(() => import('./pages/audit-page'));
const UsersPage = lazy(() => import('./pages/users-page'));


/** Signed out: to the login page, keeping where the user wanted to go (an email's link to a case). */
function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return pageLoading;
  if (status === 'signedOut') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}

export function AppRoutes() {
  return (
    <Suspense fallback={pageLoading}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<InboxPage />} />
          <Route path="cases" element={<CaseListPage />} />
          <Route path="cases/new" element={<NewCasePage />} />
          <Route path="cases/:id" element={<CasePage />} />
          <Route path="imports" element={<ImportPage />} />
          <Route path="reports" element={<ReportPage />} />
          <Route path="policy" element={<PolicyPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
