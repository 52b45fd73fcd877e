/**
 * Fixed ids of the demo data (SPEC §7), shared by every subgraph's seed so that references
 * across subgraphs line up.
 */
export const DEMO = {
  partners: {
    contoso: '6f1a0c3e-0000-4000-8000-000000000001',
    fabrikam: '6f1a0c3e-0000-4000-8000-000000000002',
  },
  users: {
    contosoAdmin: { id: '6f1a0c3e-0000-4000-8001-000000000001', email: 'admin@contoso-partner.example' },
    contosoAgent: { id: '6f1a0c3e-0000-4000-8001-000000000002', email: 'agent@contoso-partner.example' },
    contosoHelpdesk: { id: '6f1a0c3e-0000-4000-8001-000000000003', email: 'helpdesk@contoso-partner.example' },
    contosoSales: { id: '6f1a0c3e-0000-4000-8001-000000000004', email: 'sales@contoso-partner.example' },
    fabrikamAdmin: { id: '6f1a0c3e-0000-4000-8001-000000000005', email: 'admin@fabrikam-resellers.example' },
  },
} as const;
