import type { Credential } from '../domain/index.ts';

/** Where a credential stands, as the inventory shows it. */
export type CredentialStatus = 'removed' | 'expired' | 'expiringSoon' | 'unused' | 'active';

const DAY_MS = 86_400_000;
/** A credential ending within this many days is about to expire. */
export const EXPIRING_WITHIN_DAYS = 30;
/** A credential not used to sign in for this many days (and older than that) is unused. */
export const UNUSED_FOR_DAYS = 30;

/**
 * The status of a credential at `now`, the first that holds of: removed, expired, expiring within
 * 30 days, unused for 30 days (never used, or last used longer ago, once it is older than that),
 * active. Federated credentials have no end and are judged by use alone.
 */
export function credentialStatus(c: Credential, lastUsedAt: string | null, now: string): CredentialStatus {
  const at = Date.parse(now);
  if (c.removedAt !== null && Date.parse(c.removedAt) <= at) return 'removed';
  const end = c.endDateTime === null ? null : Date.parse(c.endDateTime);
  if (end !== null && end <= at) return 'expired';
  if (end !== null && end - at <= EXPIRING_WITHIN_DAYS * DAY_MS) return 'expiringSoon';
  const since = c.startDateTime ?? c.addedAt;
  const old = since === null || at - Date.parse(since) >= UNUSED_FOR_DAYS * DAY_MS;
  const idle = lastUsedAt === null || at - Date.parse(lastUsedAt) >= UNUSED_FOR_DAYS * DAY_MS;
  if (old && idle) return 'unused';
  return 'active';
}
