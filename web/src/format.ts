/** A UTC ISO time as people read it here: `2026-11-20 14:03 UTC`; a dash when absent. */
export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A camelCase name as words: `riskEventType` → `risk event type`, `adminConfirmed…` → `admin confirmed …`. */
export function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** The first letter capitalised. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A count with its noun: `1 principal`, `3 principals`. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : many}`;
}

/** An OData string literal: quoted, quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A `$filter` of clauses joined by `and`; undefined when there are none. */
export function allOf(clauses: readonly (string | null | false | undefined)[]): string | undefined {
  const kept = clauses.filter((c): c is string => typeof c === 'string' && c !== '');
  return kept.length === 0 ? undefined : kept.join(' and ');
}

/** A query string from OData options, leaving out empty ones. */
export function queryString(
  options: Readonly<Record<string, string | number | boolean | undefined>>,
): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === '') continue;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The `$filter` clauses of a date range on a property: from the start of `from` to the end of `to` (UTC days). */
export function dateRange(property: string, from: string, to: string): string[] {
  const out: string[] = [];
  if (from) out.push(`${property} ge ${from}T00:00:00Z`);
  if (to) {
    const end = new Date(`${to}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    out.push(`${property} lt ${end.toISOString().slice(0, 10)}T00:00:00Z`);
  }
  return out;
}
