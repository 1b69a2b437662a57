/** Whether a setting's field was given at all (an empty string counts as not given). */
export function present(x: unknown): boolean {
  return x !== undefined && x !== null && x !== '';
}

/**
 * A reader of a settings object's text fields: trimmed text, or null with the problem pushed,
 * naming the field through `label` (a path in the config file, or an environment variable).
 * Values are never quoted, since some are secrets.
 */
export function textFields<F extends string>(
  raw: Record<string, unknown>,
  label: (field: F) => string,
  problems: string[],
): (field: F, required: boolean) => string | null {
  return (field, required) => {
    const v = raw[field];
    if (!present(v)) {
      if (required) problems.push(`${label(field)}: is required`);
      return null;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(`${label(field)}: must be a non-empty string`);
      return null;
    }
    return v.trim();
  };
}
