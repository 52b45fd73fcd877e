import { useMutation, useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
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

/**
 * The idempotency key of one attempt at a mutation: a resend of the same attempt (a double
 * submit, a retry after a lost answer) carries the same key, so the service does the work once.
 * `renew` gives the next attempt its own key (a form closed, a refusal to correct).
 */
export function useIdempotencyKey(): [key: string, renew: () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  const renew = useCallback(() => setKey(crypto.randomUUID()), []);
  return [key, renew];
}

/**
 * Keyset paging through a Relay connection: the cursors of the pages before this one, so
 * Previous goes back without offsets or a backwards cursor. `after` is the page's `after` argument;
 * `first` starts again from the first page (a new filter, a new item).
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    next: (endCursor: string | null | undefined) => setCursors((list) => [...list, endCursor ?? null]),
    previous: () => setCursors((list) => list.slice(0, -1)),
    first: () => setCursors([null]),
  };
}
