import { parseCidr } from '../parse-cidr.ts';
import type { IpIndicator } from './indicator.ts';
import { normaliseTimestamp } from './parse-timestamp.ts';

/** What a plain list does not say about itself: who publishes it and how far to trust it. */
export interface PlainListOptions {
  /** The list's name, recorded on every indicator (`spamhaus-drop`, `tor-exits`…). */
  source: string;
  /** Confidence given to every entry (0–100); default 50. */
  confidence?: number;
  labels?: string[];
  /** Validity given to every entry, e.g. until the list's next expected refresh; RFC 3339 or null. */
  validFrom?: string | null;
  validUntil?: string | null;
}

/** A line that is neither an entry, a comment nor blank. */
export interface LineIssue {
  /** 1-based. */
  line: number;
  /** The line as read, cut to 200 characters. */
  text: string;
  reason: string;
}

/** Indicators read from a plain list and the lines that could not be read. */
export interface PlainListResult {
  indicators: IpIndicator[];
  rejected: LineIssue[];
}

// Header lines of the Tor bulk exit list that describe the relay named by the ExitNode line before
// an ExitAddress line; they carry no address.
const TOR_HEADER_KEYWORDS = new Set(['ExitNode', 'Published', 'LastStatus']);

/**
 * Reads a list of one address or CIDR block per line: Spamhaus DROP (`1.10.16.0/20 ; SBL256894`, the
 * trailing comment becomes the description), FireHOL netsets, plain and bulk-format Tor exit lists
 * (`ExitAddress 185.220.101.1 2024-01-10 08:05:41`), with `#` and `;` comments and blank lines. Bad
 * lines are reported by number and never throw; invalid options do.
 */
export function parsePlainList(text: string, options: PlainListOptions): PlainListResult {
  const confidence = options.confidence ?? 50;
  if (!Number.isInteger(confidence) || confidence < 0 || confidence > 100) {
    throw new RangeError(`confidence ${confidence} is not an integer 0–100`);
  }
  const validFrom = readValidity('validFrom', options.validFrom);
  const validUntil = readValidity('validUntil', options.validUntil);
  const labels = options.labels ?? [];
  const indicators: IpIndicator[] = [];
  const rejected: LineIssue[] = [];
  let torRelay: string | null = null;
  let lineNumber = 0;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end);
    start = end + 1;
    const commentAt = firstCommentAt(line);
    const content = (commentAt < 0 ? line : line.slice(0, commentAt)).trim();
    if (content === '') continue;
    const comment = commentAt < 0 ? '' : line.slice(commentAt + 1).trim();
    const fields = content.split(/[ \t]+/);
    const first = fields[0]!;
    let cidr = first;
    let description: string | null = comment === '' ? null : comment;
    if (TOR_HEADER_KEYWORDS.has(first)) {
      if (first === 'ExitNode') torRelay = fields[1] ?? null;
      continue;
    }
    if (first === 'ExitAddress') {
      cidr = fields[1] ?? '';
      description = torRelay === null ? 'Tor exit' : `Tor exit relay ${torRelay}`;
    } else if (fields.length > 1) {
      rejected.push(issue(lineNumber, line, 'expected one address or CIDR block per line'));
      continue;
    }
    if (parseCidr(cidr) === null) {
      rejected.push(issue(lineNumber, line, `${JSON.stringify(cidr)} is not an address or CIDR block`));
      continue;
    }
    indicators.push({
      cidr,
      source: options.source,
      confidence,
      labels: [...labels],
      validFrom,
      validUntil,
      id: null,
      description,
    });
  }
  return { indicators, rejected };
}

function firstCommentAt(line: string): number {
  const hash = line.indexOf('#');
  const semicolon = line.indexOf(';');
  if (hash < 0) return semicolon;
  if (semicolon < 0) return hash;
  return Math.min(hash, semicolon);
}

function issue(line: number, text: string, reason: string): LineIssue {
  const clean = text.endsWith('\r') ? text.slice(0, -1) : text;
  return { line, text: clean.length > 200 ? clean.slice(0, 200) : clean, reason };
}

function readValidity(name: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const time = normaliseTimestamp(value);
  if (time === null) throw new RangeError(`${name} ${JSON.stringify(value)} is not an RFC 3339 time`);
  return time;
}
