import { createHash } from 'node:crypto';
import { ApiError } from '../../errors/api-error.ts';
import { MAX_SKIP_TOKEN_LENGTH } from './query-limits.ts';
import type { QueryModel } from './query-model.ts';

/** One key of a total order: a property and its direction. */
export interface OrderKey {
  property: string;
  descending: boolean;
}

const VERSION = 1;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const INTEGER_TEXT = /^-?\d{1,15}$/;

/**
 * Encodes where a page ended: the sort-key values of its last row, with a signature of the order
 * they belong to, so a token replayed under another `$orderby` is refused rather than misread.
 */
export function encodeSkipToken(orderBy: readonly OrderKey[], values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify({ v: VERSION, o: signatureOf(orderBy), k: values })).toString(
    'base64url',
  );
}

/**
 * Decodes a `$skiptoken` made by encodeSkipToken for this order, checking each value's type against
 * its property, since a client can hand back anything. Throws a 400 on any mismatch.
 */
export function decodeSkipToken(token: string, orderBy: readonly OrderKey[], model: QueryModel): unknown[] {
  const invalid = () => new ApiError('BadRequest', 'The $skiptoken is not valid.');
  if (token.length > MAX_SKIP_TOKEN_LENGTH || !BASE64URL.test(token)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, o, k } = (decoded ?? {}) as { v?: unknown; o?: unknown; k?: unknown };
  if (v !== VERSION || o !== signatureOf(orderBy) || !Array.isArray(k) || k.length !== orderBy.length) {
    throw invalid();
  }
  return k.map((value, i) => {
    if (value === null) return null;
    const property = model.properties[orderBy[i]!.property];
    // A key that is no declared property is text or a number: whatever the store gave.
    const numeric =
      property === undefined ? typeof value === 'number' : ['int', 'boolean'].includes(property.type);
    if (numeric) {
      // PostgreSQL hands 64-bit integers back as text.
      if (typeof value === 'string' && INTEGER_TEXT.test(value)) return Number(value);
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      throw invalid();
    }
    if (typeof value !== 'string') throw invalid();
    return value;
  });
}

function signatureOf(orderBy: readonly OrderKey[]): string {
  const order = orderBy.map((k) => `${k.property} ${k.descending ? 'desc' : 'asc'}`).join(',');
  return createHash('sha256').update(order).digest('base64url').slice(0, 12);
}
