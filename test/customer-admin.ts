import { expect } from 'vitest';
import type { Stack } from './stack.js';
import { AGENT } from './demo-users.js';

/** What a customer's administrator signs in with to accept delegated administration. */
export interface CustomerAdminSignIn {
  userName: string;
  password: string;
}

/**
 * The credentials of a customer administrator whose partner has admin rights (a demo customer:
 * Northwind, Adventure Works), as the customer would hold them: Contoso's agent resets the
 * admin's password and hands the temporary one over. The seeds' passwords are never shown.
 */
export async function customerAdminSignIn(stack: Stack, adminUserId: string): Promise<CustomerAdminSignIn> {
  const { data } = await stack.graphql(
    `mutation($id: ID!) { resetCustomerUserPassword(id: $id) { user { userName } temporaryPassword errors { code } } }`,
    { id: adminUserId },
    { as: AGENT },
  );
  expect(data?.resetCustomerUserPassword.errors).toEqual([]);
  return { userName: data?.resetCustomerUserPassword.user.userName, password: data?.resetCustomerUserPassword.temporaryPassword };
}
