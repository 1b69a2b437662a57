/** Longest excerpt of an offending value quoted in a quarantine reason, so reasons stay readable. */
const MAX_QUOTED = 60;

/** Describes a value for a quarantine reason: its type, and a short excerpt when it is a scalar. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value.length > MAX_QUOTED ? `string '${value.slice(0, MAX_QUOTED)}…'` : `string '${value}'`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'undefined':
      return 'nothing';
    default:
      return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
  }
}

/**
 * The quarantine reason for a required field that failed validation: `missing <field>` when it is
 * absent or empty, else `invalid <field>: expected <expected>, got <value>`.
 */
export function fieldReason(field: string, value: unknown, expected: string): string {
  if (value === undefined || value === null || value === '') return `missing ${field}`;
  return `invalid ${field}: expected ${expected}, got ${describeValue(value)}`;
}
