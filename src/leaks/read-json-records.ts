import type { LeakRejection } from './leak.ts';

/** One record of a report and where it sat: index in a JSON document, or line in JSON lines. */
export interface JsonRecord {
  value: unknown;
  at: { index: number } | { line: number };
}

/** A report's records and the lines that were not JSON. */
export interface JsonRecords {
  records: JsonRecord[];
  broken: LeakRejection[];
}

/**
 * Reads a report the way scanners write them: one JSON document (an array of findings, or a single
 * finding at index 0), or JSON lines (trufflehog), where a line that fails to parse is reported
 * and the others are still read.
 */
export function readJsonRecords(text: string): JsonRecords {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { records: [], broken: [] };
  try {
    const document: unknown = JSON.parse(body);
    const items = Array.isArray(document) ? document : [document];
    return { records: items.map((value, index) => ({ value, at: { index } })), broken: [] };
  } catch {
    // Not one document: JSON lines.
  }
  const records: JsonRecord[] = [];
  const broken: LeakRejection[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      records.push({ value: JSON.parse(line), at: { line: i + 1 } });
    } catch {
      broken.push({ line: i + 1, reason: 'line is not JSON', skipped: false });
    }
  }
  return { records, broken };
}
