const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A GUID lower-cased so ids from different reports compare equal; null when the value is not a GUID. */
export function lowerCaseGuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Braced GUIDs come from .NET configuration and registry exports.
  const s = value.trim().replace(/^\{(.*)\}$/, '$1');
  return GUID.test(s) ? s.toLowerCase() : null;
}
