// RFC 3339 (`2025-08-19T14:02:51Z`) and git's `2025-08-19 16:02:51 +0200`, which trufflehog writes.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A report's timestamp as UTC ISO with milliseconds, or null when blank or unreadable. A time without
 * a zone is taken as UTC: scanners that omit it run in CI containers, which run in UTC.
 */
export function parseReportTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = TIMESTAMP.exec(value.trim());
  if (match === null) return null;
  const [, date, time, zone] = match;
  let offset = 'Z';
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    offset = zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  }
  const ms = Date.parse(`${date}T${time}${offset}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
