/** One changed field of an audit record: its value before (absent for a creation) and after (absent for a deletion). */
export interface FieldChange {
  field: string;
  from?: string;
  to?: string;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields an audit record changed, in their order: a creation lists its values, an update what differs. */
export function fieldChanges(oldValue: unknown, newValue: unknown): FieldChange[] {
  if (!isRecord(oldValue) && !isRecord(newValue)) {
    if (oldValue == null && newValue == null) return [];
    return [{ field: '', from: oldValue == null ? undefined : shown(oldValue), to: newValue == null ? undefined : shown(newValue) }];
  }
  const before = isRecord(oldValue) ? oldValue : {};
  const after = isRecord(newValue) ? newValue : {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map((field) => ({
      field,
      from: oldValue != null && before[field] != null ? shown(before[field]) : undefined,
      to: newValue != null && after[field] != null ? shown(after[field]) : undefined,
    }));
}
