import { useMutation, useQuery, type UseQueryOptions } from '@tanstack/react-query';
import type { TypedDocumentString } from '../__generated__/graphql';
import { useAuth } from '../auth/AuthProvider';
import { execute } from './execute';

/** One typed query; cached by document and variables (TanStack Query). */
export function useGraphQLQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: Omit<UseQueryOptions<TResult>, 'queryKey' | 'queryFn'> = {},
) {
  const { token } = useAuth();
  return useQuery<TResult>({
    queryKey: [(document.__meta__ as { hash?: string } | undefined)?.hash ?? document.toString(), variables],
    queryFn: () => execute(document, variables, token),
    ...options,
  });
}

/** One typed mutation. */
export function useGraphQLMutation<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>) {
  const { token } = useAuth();
  return useMutation<TResult, Error, TVariables>({ mutationFn: (variables) => execute(document, variables, token) });
}

/**
 * `refetchInterval` for work the services finish in the background (a redemption, an acceptance,
 * a new customer's provisioning): asked again soon at first, then less often, 250 ms doubling up
 * to 2 s. Most of it is done within half a second; what still runs after a few seconds waits for
 * a service, and is asked about every 2 s.
 */
export function untilSettled(settled: boolean, answers: number): number | false {
  return settled ? false : Math.min(250 * 2 ** Math.max(0, answers - 1), 2_000);
}
