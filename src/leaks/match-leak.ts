import type { Credential } from '../domain/inventory.ts';
import { type SecretHash, verifyClientSecretHash } from './client-secret-hash.ts';
import type { Leak } from './leak.ts';

/**
 * How a leak relates to the inventory: `confirmed` (the leaked material is this live credential,
 * exactly), `probable` (a live credential fits the leak but nothing proved it), `stale` (it fits
 * only credentials already expired or removed: reported, not raised), `invalid` (a token endpoint
 * refused the secret: it no longer works; reported, not raised; only a live check gives it, see
 * `confirmLeakLive`), `noMatch`.
 */
export type LeakMatchOutcome = 'confirmed' | 'probable' | 'stale' | 'invalid' | 'noMatch';

/** The outcome, the credentials it names, and how Vigil got there, in words fit for a detection. */
export interface LeakMatch {
  outcome: LeakMatchOutcome;
  keyIds: string[];
  how: string;
}

/** What matching needs beyond the leak and the credentials. */
export interface MatchLeakOptions {
  /** The time credentials' validity and removal are judged at, UTC ISO. */
  now: string;
  /**
   * Owner object id (service principal or application) → appId. `Credential` carries only its
   * owner's object id, so a leak that names its app can be narrowed to that app's credentials only
   * with this map; without it such a leak matches no client secret.
   */
  ownerAppIds?: ReadonlyMap<string, string>;
  /** keyId → salted hash of client secrets Vigil issued and so knows. */
  secretHashes?: ReadonlyMap<string, SecretHash>;
  /** Checks a secret against a stored hash; defaults to `verifyClientSecretHash` (scrypt). */
  verifyHash?(secret: string, salt: string, hash: string): boolean;
  /**
   * keyId → SHA-256 fingerprint of the certificate's public key (see `readCertificate`, fed with
   * Graph's `keyCredential.key`). `Credential` carries only the thumbprint, which a lone private key
   * cannot be compared with; this map lets a leaked private key match its certificate credential.
   */
  publicKeyFingerprints?: ReadonlyMap<string, string>;
}

/**
 * Matches a leak against a credential inventory. A certificate or private key matches a certificate
 * credential exactly, by thumbprint or public key fingerprint, in whichever app or tenant holds it
 * (one certificate is often shared). A client secret is narrowed to the password credentials of the
 * leak's tenant and app whose `hint` (first three characters) agrees, with creation dates breaking
 * ties against the time of the leak; a stored salted hash confirms it exactly. Live token checks
 * against a token endpoint do I/O and so are not done here: a caller holding a `probable` match may
 * run one with `confirmLeakLive`. Pure: time comes from `options.now`.
 */
export function matchLeak(
  leak: Leak,
  credentials: readonly Credential[],
  options: MatchLeakOptions,
): LeakMatch {
  const now = Date.parse(options.now);
  if (leak.kind === 'clientSecret') return matchSecret(leak, credentials, options, now);
  return matchKey(leak, credentials, options, now);
}

/** Why a credential cannot be used at `now`, or null when it still can. */
function deadReason(credential: Credential, now: number): string | null {
  const removedAt = timeOf(credential.removedAt);
  if (removedAt !== null && removedAt <= now) return `removed ${credential.removedAt}`;
  const endsAt = timeOf(credential.endDateTime);
  if (endsAt !== null && endsAt <= now) return `expired ${credential.endDateTime}`;
  return null;
}

function timeOf(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Live credentials → `outcome`; only dead ones → `stale`, saying why each is dead. */
function judge(
  matched: readonly Credential[],
  now: number,
  outcome: LeakMatchOutcome,
  how: string,
): LeakMatch {
  const live = matched.filter((c) => deadReason(c, now) === null);
  const dead = matched.filter((c) => !live.includes(c)).map((c) => `${c.keyId} ${deadReason(c, now)}`);
  if (live.length === 0) {
    return {
      outcome: 'stale',
      keyIds: matched.map((c) => c.keyId),
      how: `${how}, but no longer valid: ${dead.join(', ')}`,
    };
  }
  const also = dead.length > 0 ? `; also fits, no longer valid: ${dead.join(', ')}` : '';
  return { outcome, keyIds: live.map((c) => c.keyId), how: `${how}${also}` };
}

// Commit dates come from the committer's clock and survive amends and rebases, so a secret can
// appear "found" before it was created; dates therefore only break ties, never rule out the last candidate.
const FOUND_AT_SLACK_MS = 24 * 60 * 60 * 1000;

function matchSecret(
  leak: Leak,
  credentials: readonly Credential[],
  options: MatchLeakOptions,
  now: number,
): LeakMatch {
  const secret = leak.secret;
  if (secret === null) return { outcome: 'noMatch', keyIds: [], how: 'the leak carries no secret text' };
  const hint = secret.slice(0, 3);
  const passwords = credentials.filter((c) => c.type === 'password' && (c.hint === null || c.hint === hint));

  // A stored hash is exact wherever the credential sits, so it is tried before narrowing by app; a
  // hash that does not verify rules its credential out just as exactly.
  const ruledOut = new Set<Credential>();
  const hashes = options.secretHashes;
  if (hashes !== undefined && hashes.size > 0) {
    const verify = options.verifyHash ?? verifyClientSecretHash;
    const exact: Credential[] = [];
    for (const c of passwords) {
      const stored = hashes.get(c.keyId);
      if (stored === undefined) continue;
      if (verify(secret, stored.salt, stored.hash)) exact.push(c);
      else ruledOut.add(c);
    }
    if (exact.length > 0) {
      return judge(exact, now, 'confirmed', 'the leaked secret verifies against the stored hash');
    }
  }

  if (leak.appId !== null && options.ownerAppIds === undefined) {
    return {
      outcome: 'noMatch',
      keyIds: [],
      how: `the leak names app ${leak.appId} but no owner-to-app map was given`,
    };
  }
  const scope = passwords.filter(
    (c) =>
      c.hint === hint &&
      !ruledOut.has(c) &&
      (leak.tenantId === null || c.tenantId === leak.tenantId) &&
      (leak.appId === null || options.ownerAppIds?.get(c.ownerId) === leak.appId),
  );
  const where = [leak.appId && `app ${leak.appId}`, leak.tenantId && `tenant ${leak.tenantId}`]
    .filter(Boolean)
    .join(' in ');
  const among = where === '' ? 'the inventory' : where;
  if (scope.length === 0) {
    return { outcome: 'noMatch', keyIds: [], how: `no client secret of ${among} has hint '${hint}'` };
  }
  const candidates = existedWhenFound(scope, leak.foundAt);
  const fits = candidates.length === 1 ? 'a client secret' : `${candidates.length} client secrets`;
  const dated = candidates.length < scope.length ? ' created before the leak' : '';
  return judge(
    candidates,
    now,
    'probable',
    `hint '${hint}' matches ${fits} of ${among}${dated}, unconfirmed`,
  );
}

/** The candidates that existed when the leak was found, unless that would leave none. */
function existedWhenFound(candidates: Credential[], foundAt: string | null): Credential[] {
  const found = timeOf(foundAt);
  if (found === null || candidates.length < 2) return candidates;
  const existed = candidates.filter((c) => {
    const created = timeOf(c.addedAt) ?? timeOf(c.startDateTime);
    return created === null || created <= found + FOUND_AT_SLACK_MS;
  });
  return existed.length > 0 ? existed : candidates;
}

/** Upper-case hex without separators, as Vigil's inventory writes thumbprints. */
function normaliseThumbprint(thumbprint: string | null): string | null {
  return thumbprint === null ? null : thumbprint.replace(/[\s:-]/g, '').toUpperCase();
}

function matchKey(
  leak: Leak,
  credentials: readonly Credential[],
  options: MatchLeakOptions,
  now: number,
): LeakMatch {
  const fingerprints = options.publicKeyFingerprints;
  const leakFingerprint = leak.publicKeyFingerprint?.toLowerCase() ?? null;
  const byThumbprint: Credential[] = [];
  const byPublicKey: Credential[] = [];
  for (const c of credentials) {
    if (c.type !== 'certificate') continue;
    if (
      leak.thumbprint !== null &&
      normaliseThumbprint(c.thumbprint) === normaliseThumbprint(leak.thumbprint)
    ) {
      byThumbprint.push(c);
    } else if (leakFingerprint !== null && fingerprints?.get(c.keyId)?.toLowerCase() === leakFingerprint) {
      byPublicKey.push(c);
    }
  }
  const matched = [...byThumbprint, ...byPublicKey];
  if (matched.length === 0) {
    const hint =
      leak.thumbprint === null && fingerprints === undefined
        ? ' (a private key without its certificate matches only through public key fingerprints of the credentials)'
        : '';
    return {
      outcome: 'noMatch',
      keyIds: [],
      how: `no certificate credential has this thumbprint or public key${hint}`,
    };
  }
  const by = [
    byThumbprint.length > 0 && `thumbprint ${leak.thumbprint}`,
    byPublicKey.length > 0 && 'public key fingerprint',
  ]
    .filter(Boolean)
    .join(' and ');
  if (leak.kind === 'privateKey')
    return judge(matched, now, 'confirmed', `the leaked private key matches by ${by}`);
  // A certificate is public by design (it is uploaded, shared, pinned): without its private key the
  // credential cannot be used, so the match is exact but the compromise only possible.
  return judge(
    matched,
    now,
    'probable',
    `the leaked certificate matches by ${by}, but its private key was not found with it`,
  );
}
