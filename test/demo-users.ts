import { DEMO } from '@partner-graph/platform';

// The demo partner users tests act as: Contoso's by role, and Fabrikam's administrator.
export const ADMIN = DEMO.users.contosoAdmin.email;
export const AGENT = DEMO.users.contosoAgent.email;
export const HELPDESK = DEMO.users.contosoHelpdesk.email;
export const SALES = DEMO.users.contosoSales.email;
export const FABRIKAM = DEMO.users.fabrikamAdmin.email;
