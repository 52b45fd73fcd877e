import { DomainError } from '@partner-graph/platform';

/**
 * What a rule refuses: the code and field of each error of the `DomainError` it throws, or []
 * when it accepts. Rule tests compare it like a payload's `errors { code field }`.
 */
export function refusals(decide: () => unknown): { code: string; field: string | null }[] {
  try {
    decide();
    return [];
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.errors.map(({ code, field }) => ({ code, field: field ?? null }));
  }
}
