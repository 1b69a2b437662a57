/** What leaked: a client secret, a certificate (public part), or a private key (with its certificate when found together). */
export type LeakKind = 'clientSecret' | 'certificate' | 'privateKey';

/** Who reported the leak: a secret scanner's report, the generic form, or Vigil's own file scan. */
export type LeakSource = 'gitleaks' | 'trufflehog' | 'githubSecretScanning' | 'generic' | 'scan';

/**
 * One exposed credential, normalised from any report format. A client secret's text is held only in
 * memory, for matching against the inventory; anything that is stored, logged or shown goes through
 * `redactLeak` first. A private key is never kept at all: only its public key fingerprint is.
 */
export interface Leak {
  kind: LeakKind;
  /** The client secret text (kind `clientSecret` only). */
  secret: string | null;
  /** The certificate as PEM, when the leak included one (public material, safe to keep). */
  certificatePem: string | null;
  /** SHA-256 of the public key's SubjectPublicKeyInfo DER, lower-case hex. */
  publicKeyFingerprint: string | null;
  /** SHA-1 of the certificate DER, upper-case hex: what Entra writes as `customKeyIdentifier`. */
  thumbprint: string | null;
  /** Application (client) id found with the leak, lower-case. */
  appId: string | null;
  tenantId: string | null;
  /** Where to see the leak: a commit link, an alert page, a repository. */
  url: string | null;
  file: string | null;
  /** 1-based line of the leak in `file`. */
  line: number | null;
  /** When the secret was exposed (commit date) or first reported, UTC ISO with milliseconds. */
  foundAt: string | null;
  source: LeakSource;
  /** Commit that introduced it, when the source names one. */
  commit: string | null;
  /** The rule, detector or secret type as the source names it (`azure-ad-client-secret`, `Azure`, …). */
  detector: string | null;
  /** Whether the source itself tested the credential live (trufflehog `Verified`, GitHub `validity`); null when unknown. */
  verified: boolean | null;
  /** The source marked the finding resolved (a GitHub alert closed as revoked, false positive, …). Still a leak. */
  resolved: boolean;
  /** The source's resolution when resolved (`revoked`, `false_positive`, `used_in_tests`, `wont_fix`). */
  resolution: string | null;
}

/** A report entry that produced no leak, by 0-based position in a JSON document or 1-based line. */
export type LeakRejection = ({ index: number } | { line: number }) & {
  reason: string;
  /** True for well-formed entries that are simply not Azure credentials; false for broken or unusable ones. */
  skipped: boolean;
};

/** What a report parser returns: the leaks it read and every entry it did not turn into one. */
export interface LeakParseResult {
  leaks: Leak[];
  rejected: LeakRejection[];
}

/** The fields that identify a leak; everything else defaults to null (or false for `resolved`). */
export type LeakFields = Pick<Leak, 'kind' | 'source'> & Partial<Leak>;

/** A complete `Leak` from the fields a reader knows. */
export function createLeak(fields: LeakFields): Leak {
  return {
    secret: null,
    certificatePem: null,
    publicKeyFingerprint: null,
    thumbprint: null,
    appId: null,
    tenantId: null,
    url: null,
    file: null,
    line: null,
    foundAt: null,
    commit: null,
    detector: null,
    verified: null,
    resolved: false,
    resolution: null,
    ...fields,
  };
}

// Shorter secrets would give away too large a share of themselves through five characters.
const MIN_REDACTABLE_LENGTH = 12;

/** A secret shown as its first three and last two characters (`Qx7...00`), never more. */
export function redactSecret(secret: string): string {
  if (secret.length < MIN_REDACTABLE_LENGTH) return '[redacted]';
  return `${secret.slice(0, 3)}...${secret.slice(-2)}`;
}

/** A copy of the leak fit to store, log or show: the secret text replaced by its redacted form. */
export function redactLeak(leak: Leak): Leak {
  return leak.secret === null ? { ...leak } : { ...leak, secret: redactSecret(leak.secret) };
}
