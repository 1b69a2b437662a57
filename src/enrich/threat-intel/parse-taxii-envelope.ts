import { parseStixObjects, type StixParseOptions, type StixParseResult } from './parse-stix-bundle.ts';

/** The parts of a TAXII 2.1 envelope: its STIX objects and the cursor to the next page. */
export interface TaxiiEnvelope {
  objects: unknown[];
  /** Whether the server holds more objects for the same request. */
  more: boolean;
  /** The `next` query value that fetches the following page; null when the server gave none. */
  next: string | null;
}

/** Indicators of one TAXII envelope, with its paging cursor. */
export interface TaxiiEnvelopeResult extends StixParseResult {
  more: boolean;
  next: string | null;
}

/**
 * Reads a TAXII 2.1 envelope (`{"more": …, "next": …, "objects": […]}`, every member optional), given
 * as JSON text or already parsed, or says why it is not one. Never throws.
 */
export function readTaxiiEnvelope(input: unknown): TaxiiEnvelope | { error: string } {
  let envelope = input;
  if (typeof input === 'string') {
    try {
      envelope = JSON.parse(input);
    } catch (error) {
      return { error: `not JSON: ${(error as Error).message}` };
    }
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return { error: 'not a TAXII envelope (a JSON object)' };
  }
  const { objects = [], more = false, next = null } = envelope as Record<string, unknown>;
  if (!Array.isArray(objects)) return { error: 'envelope objects is not an array' };
  if (typeof more !== 'boolean') return { error: 'envelope more is not a boolean' };
  if (next !== null && typeof next !== 'string') return { error: 'envelope next is not a string' };
  return { objects, more, next: next === '' ? null : next };
}

/**
 * Reads the IP indicators of one TAXII 2.1 envelope and its paging cursor. Never throws on bad input:
 * an input that is not an envelope comes back as one rejection with index -1.
 */
export function parseTaxiiEnvelope(input: unknown, options: StixParseOptions): TaxiiEnvelopeResult {
  const envelope = readTaxiiEnvelope(input);
  if ('error' in envelope) {
    return {
      indicators: [],
      rejected: [{ index: -1, id: null, reason: envelope.error }],
      skipped: [],
      otherObjects: 0,
      more: false,
      next: null,
    };
  }
  return { ...parseStixObjects(envelope.objects, options), more: envelope.more, next: envelope.next };
}
