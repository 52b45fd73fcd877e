import { createContext, useContext } from 'react';
import { graphql } from '../__generated__';
import type { ViewerQuery } from '../__generated__/graphql';

export const ViewerDocument = graphql(`
  query Viewer {
    me {
      id
      email
      displayName
      companyRole
      customerAccess
      partner {
        id
        companyName
        programs
      }
    }
  }
`);

export type Viewer = NonNullable<ViewerQuery['me']>;

export const ViewerContext = createContext<Viewer | null>(null);

/** The signed-in partner user: role, customer access and the partner's programs, as the graph says. */
export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer outside the signed-in layout');
  return viewer;
}

/**
 * What the viewer's profile allows, read from the graph (access and programs); the subgraphs
 * still decide every request, and per-object permissions come from `allowedActions` and
 * `hasAdminRights`.
 */
export function useCapabilities() {
  const viewer = useViewer();
  const programs = new Set(viewer.partner.programs);
  return {
    seesCustomers: viewer.customerAccess !== 'NONE',
    fullAccess: viewer.customerAccess === 'FULL',
    createsCustomers: programs.has('RESELLER') && viewer.customerAccess === 'FULL',
    sellsProductKeys: programs.has('SUBSCRIPTION_ADVISOR') && viewer.customerAccess === 'FULL',
    seesDelegatedAdmin: programs.has('DELEGATED_ADMIN') && viewer.customerAccess !== 'NONE',
    /** Trial invitations and purchase offers (docs/api.md, "Who may do what"). */
    sendsInvitations: programs.has('SUBSCRIPTION_ADVISOR') && viewer.customerAccess !== 'NONE',
    invitesWithDelegatedAdmin:
      programs.has('SUBSCRIPTION_ADVISOR') &&
      programs.has('DELEGATED_ADMIN') &&
      programs.has('CLOUD_ESSENTIALS') &&
      viewer.customerAccess !== 'NONE',
    offersDelegatedAdmin: programs.has('DELEGATED_ADMIN') && programs.has('CLOUD_ESSENTIALS') && viewer.customerAccess === 'FULL',
  };
}
