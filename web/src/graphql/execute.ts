import type { TypedDocumentString } from '../__generated__/graphql';

/** A request the gateway refused or could not answer; `code` is its `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface Response<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Sends a generated document by its persisted id; the text goes along only from Vite's dev
 * server, where documents change faster than the gateway's manifest.
 */
export async function execute<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  token: string | null,
): Promise<TResult> {
  const hash = (document.__meta__ as { hash?: string } | undefined)?.hash;
  const body: Record<string, unknown> = { documentId: hash, variables };
  if (import.meta.env.DEV || !hash) body.query = document.toString();
  let response: globalThis.Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new GraphQLRequestError('The service cannot be reached. Check your connection and try again.', 'NETWORK');
  }
  let json: Response<TResult>;
  try {
    json = (await response.json()) as Response<TResult>;
  } catch {
    throw new GraphQLRequestError(`The service answered ${response.status}; try again shortly.`, 'HTTP');
  }
  const first = json.errors?.[0];
  // Partial data (a field whose subgraph is down) still renders; a refusal does not.
  if (first && (!json.data || ['UNAUTHENTICATED', 'FORBIDDEN'].includes(first.extensions?.code ?? ''))) {
    throw new GraphQLRequestError(first.message, first.extensions?.code);
  }
  if (!json.data) throw new GraphQLRequestError(`The service answered ${response.status} without data.`, 'HTTP');
  return json.data;
}
