// Spreadsheets run a cell that starts with one of these as a formula (`=HYPERLINK(…)`, `@SUM(…)`,
// `+cmd|…`); tab and carriage return can smuggle one past a naive check. OWASP's advice: prefix a quote.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180): null and undefined are empty, arrays are joined with `; `, a value a
 * spreadsheet would run as a formula gets a leading `'`, and a cell with a quote, comma or line
 * break is quoted with its quotes doubled.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.map(String).join('; ') : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record: the cells joined by commas, ended by CRLF as RFC 4180 asks. */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
