import { createHash } from 'node:crypto';

/**
 * A detection id in Graph's form (52 hex characters), derived from its dedupe key: the same
 * finding always gets the same id, so running detection again updates rather than duplicates.
 */
export function detectionId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 52);
}
