import type { ConditionalAccessStatus } from '../../domain/index.ts';

/** Graph `conditionalAccessStatus` members, keyed by their lower-case spelling for tolerant lookup. */
const STATUSES = new Map<string, ConditionalAccessStatus>([
  ['success', 'success'],
  ['failure', 'failure'],
  ['notapplied', 'notApplied'],
  ['unknownfuturevalue', 'unknownFutureValue'],
]);

/** A sign-in's `conditionalAccessStatus` as a Graph enum member (unknown values → `unknownFutureValue`); null when absent. */
export function normaliseConditionalAccessStatus(value: unknown): ConditionalAccessStatus | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const exact = STATUSES.get(value);
  if (exact !== undefined && exact === value) return exact;
  const key = value.trim().toLowerCase();
  if (key.length === 0) return null;
  return STATUSES.get(key) ?? 'unknownFutureValue';
}
