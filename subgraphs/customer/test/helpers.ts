import type { Stack } from '../../../test/stack.js';
import { customerServices } from '../src/services.js';

/** The customer subgraph's domain services of a running stack, for steps tests run directly. */
export function services(stack: Stack) {
  const all = customerServices(stack.subgraphs.customer.runtime);
  return { customerUsers: all.users, provisioner: all.provisioner, accounts: all.accounts };
}
