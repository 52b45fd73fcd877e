import { useViewer } from '../../components/Viewer';

/** Who may open which part, as the partner subgraph decides it; the subgraph still checks every request. */
export function usePartnerAdministration() {
  const viewer = useViewer();
  return {
    managesUsers: viewer.companyRole === 'GLOBAL_ADMIN' || viewer.companyRole === 'USER_ADMIN',
    editsProfile: viewer.companyRole === 'GLOBAL_ADMIN',
    readsAudit: viewer.companyRole !== 'NONE' || viewer.customerAccess !== 'NONE',
  };
}
