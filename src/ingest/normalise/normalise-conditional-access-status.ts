import type { ConditionalAccessStatus } from '../../domain/index.ts';

const MEMBERS: readonly ConditionalAccessStatus[] = [
  'success',
  'failure',
  'notApplied',
  'unknownFutureValue',
];

/** Members keyed by their exact and their lower-case spelling: exact hits skip `toLowerCase`. */
const BY_SPELLING = new Map<string, ConditionalAccessStatus>(
  MEMBERS.flatMap((m) => [
    [m, m],
    [m.toLowerCase(), m],
  ]),
);

/** A sign-in's `conditionalAccessStatus` as a Graph enum member (unknown values → `unknownFutureValue`); null when absent. */
export function normaliseConditionalAccessStatus(value: unknown): ConditionalAccessStatus | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const exact = BY_SPELLING.get(value);
  if (exact !== undefined) return exact;
  const key = value.trim().toLowerCase();
  if (key.length === 0) return null;
  return BY_SPELLING.get(key) ?? 'unknownFutureValue';
}
