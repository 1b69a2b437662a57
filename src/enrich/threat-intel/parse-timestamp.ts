// Date.parse alone reads `2024-01-10 08:05:41` as local time and accepts many shapes besides, so an
// indicator's validity would depend on the server's time zone. Only RFC 3339 with an explicit offset
// (what STIX, TAXII and Vigil's own events use) is read.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds since the epoch of an RFC 3339 timestamp with a zone (`…Z`, `…+02:00`), or NaN. */
export function parseTimestamp(text: unknown): number {
  if (typeof text !== 'string' || text.length > 40 || !RFC3339.test(text)) return Number.NaN;
  return Date.parse(text);
}

/** The timestamp normalised to UTC ISO with milliseconds, or null when it is not RFC 3339 with a zone. */
export function normaliseTimestamp(text: unknown): string | null {
  const ms = parseTimestamp(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
