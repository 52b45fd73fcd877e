export function AddCustomerPage() { return null; }
