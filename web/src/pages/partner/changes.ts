/** One changed field of an audit record: its value before (absent for a creation) and after (absent for a deletion). */
export interface FieldChange {
  field: string;
  from?: string;
  to?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as a person reads it: `city: Paris`, a list's items by `;`, a record inside another in parentheses; never JSON. */
function shown(value: unknown, nested = false): string {
  if (Array.isArray(value)) return value.map((item) => shown(item, true)).join('; ');
  if (isRecord(value)) {
    const fields = Object.entries(value)
      .filter(([, each]) => each != null)
      .map(([field, each]) => `${field}: ${shown(each, true)}`)
      .join(', ');
    return nested ? `(${fields})` : fields;
  }
  return String(value);
}

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
