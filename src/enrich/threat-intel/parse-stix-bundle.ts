import type { IpIndicator } from './indicator.ts';
import { normaliseTimestamp, parseTimestamp } from './parse-timestamp.ts';
import { readStixPatternAddresses } from './read-stix-pattern-addresses.ts';

/** How STIX indicators become IpIndicators. */
export interface StixParseOptions {
  /** The feed's name, recorded on every indicator. */
  source: string;
  /** Confidence for indicators that state none (0–100); default 50. */
  defaultConfidence?: number;
}

/** A STIX object that yielded no indicator, by its position in `objects` (-1: the whole input). */
export interface StixObjectIssue {
  index: number;
  id: string | null;
  reason: string;
}

/** Indicators read from STIX objects, and every indicator object that yielded none, with why. */
export interface StixParseResult {
  indicators: IpIndicator[];
  /** Malformed: not STIX, a broken pattern, an address that is none, an unreadable time or confidence. */
  rejected: StixObjectIssue[];
  /** Well-formed but unusable here: revoked, superseded by a newer version, or not about one address. */
  skipped: StixObjectIssue[];
  /** Objects of other types (identities, relationships, marking definitions…), which hold no indicator. */
  otherObjects: number;
}

/**
 * Reads the IP indicators of a STIX 2.1 bundle, given as JSON text or already parsed. Bad input never
 * throws (an input that is not a bundle comes back as one rejection with index -1); bad options do.
 */
export function parseStixBundle(input: unknown, options: StixParseOptions): StixParseResult {
  let bundle = input;
  if (typeof input === 'string') {
    try {
      bundle = JSON.parse(input);
    } catch (error) {
      return wholeInputRejected(`not JSON: ${(error as Error).message}`);
    }
  }
  if (!isRecord(bundle) || bundle.type !== 'bundle') return wholeInputRejected('not a STIX bundle');
  if (bundle.objects === undefined) return emptyResult();
  if (!Array.isArray(bundle.objects)) return wholeInputRejected('bundle objects is not an array');
  return parseStixObjects(bundle.objects, options);
}

/**
 * Reads the IP indicators among STIX objects (a bundle's or a TAXII envelope's). Of several versions
 * of one indicator only the newest (`modified`) counts, so a later revocation withdraws it.
 */
export function parseStixObjects(objects: readonly unknown[], options: StixParseOptions): StixParseResult {
  const defaultConfidence = readConfidenceOption(options.defaultConfidence);
  const result = emptyResult();
  const newest = newestVersions(objects);
  objects.forEach((object, index) => {
    if (!isRecord(object)) {
      result.rejected.push({ index, id: null, reason: 'not a JSON object' });
      return;
    }
    if (object.type !== 'indicator') {
      if (typeof object.type === 'string') result.otherObjects++;
      else result.rejected.push({ index, id: stringOrNull(object.id), reason: 'no object type' });
      return;
    }
    const id = stringOrNull(object.id);
    const issue = (reason: string): StixObjectIssue => ({ index, id, reason });
    if (id !== null && newest.get(id) !== index) {
      result.skipped.push(issue('superseded by a newer version of the same indicator'));
      return;
    }
    if (object.revoked === true) {
      result.skipped.push(issue('revoked'));
      return;
    }
    // STIX 2.0 indicators have no pattern_type; their patterns are STIX patterns.
    const patternType = object.pattern_type ?? 'stix';
    if (patternType !== 'stix') {
      result.skipped.push(issue(`pattern type ${JSON.stringify(patternType)} is not a STIX pattern`));
      return;
    }
    if (typeof object.pattern !== 'string') {
      result.rejected.push(issue('pattern is missing or not a string'));
      return;
    }
    const validFrom = readTime(object.valid_from);
    const validUntil = readTime(object.valid_until);
    if (validFrom === undefined) {
      result.rejected.push(issue(`valid_from ${JSON.stringify(object.valid_from)} is not an RFC 3339 time`));
      return;
    }
    if (validUntil === undefined) {
      result.rejected.push(
        issue(`valid_until ${JSON.stringify(object.valid_until)} is not an RFC 3339 time`),
      );
      return;
    }
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom) {
      result.rejected.push(issue('valid_until is not after valid_from'));
      return;
    }
    const confidence = object.confidence ?? defaultConfidence;
    if (!isConfidence(confidence)) {
      result.rejected.push(issue(`confidence ${JSON.stringify(object.confidence)} is not an integer 0–100`));
      return;
    }
    const read = readStixPatternAddresses(object.pattern);
    if (read.kind === 'invalid') {
      result.rejected.push(issue(`pattern: ${read.reason}`));
      return;
    }
    if (read.kind === 'none') {
      result.skipped.push(issue(`pattern: ${read.reason}`));
      return;
    }
    const labels = [...new Set([...strings(object.labels), ...strings(object.indicator_types)])];
    const description = nonEmptyString(object.description) ?? nonEmptyString(object.name);
    for (const address of read.addresses) {
      result.indicators.push({
        cidr: address.value,
        source: options.source,
        confidence,
        // Each address gets its own array, so editing one indicator's labels leaves its siblings alone.
        labels: [...labels],
        validFrom,
        validUntil,
        id,
        description,
      });
    }
  });
  return result;
}

// Index of the newest version of each indicator id: greatest `modified`, ties to the later object.
function newestVersions(objects: readonly unknown[]): Map<string, number> {
  const newest = new Map<string, { index: number; modified: number }>();
  objects.forEach((object, index) => {
    if (!isRecord(object) || object.type !== 'indicator' || typeof object.id !== 'string') return;
    const modified = parseTimestamp(object.modified ?? object.created);
    const time = Number.isNaN(modified) ? Number.NEGATIVE_INFINITY : modified;
    const seen = newest.get(object.id);
    if (seen === undefined || time >= seen.modified) newest.set(object.id, { index, modified: time });
  });
  return new Map([...newest].map(([id, { index }]) => [id, index]));
}

// null when absent, undefined when present but unreadable, else the normalised UTC time.
function readTime(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  return normaliseTimestamp(value) ?? undefined;
}

function readConfidenceOption(value: number | undefined): number {
  if (value === undefined) return 50;
  if (!isConfidence(value)) throw new RangeError(`defaultConfidence ${value} is not an integer 0–100`);
  return value;
}

function isConfidence(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function emptyResult(): StixParseResult {
  return { indicators: [], rejected: [], skipped: [], otherObjects: 0 };
}

function wholeInputRejected(reason: string): StixParseResult {
  const result = emptyResult();
  result.rejected.push({ index: -1, id: null, reason });
  return result;
}
