/**
 * The customer-facing pages at the links the API hands out (`PUBLIC_ACCEPT_URL`): built here
 * once, since a link one subgraph hands out may lead to another subgraph's page (an accepted
 * offer's delegated administration is ended through the customer subgraph).
 */
export function customerPageUrl(publicAcceptUrl: string, path: string, code: string): string {
  return `${publicAcceptUrl.replace(/\/$/, '')}/${path}/${code}`;
}

/** The customer's page that ends a delegated-admin relationship with its termination code. */
export function delegatedAdminTerminationUrl(publicAcceptUrl: string, code: string): string {
  return customerPageUrl(publicAcceptUrl, 'delegated-admin/end', code);
}
