import { createLeak, type Leak, type LeakFields, type LeakParseResult, type LeakRejection } from './leak.ts';
import type { LineLocator } from './line-locator.ts';
import { readPemCredentials } from './read-pem-credentials.ts';

/** Leaks read from PEM text, and the blocks that could not be read. */
export interface PemLeaks {
  leaks: Leak[];
  unreadable: { offset: number; reason: string }[];
}

/**
 * One leak per certificate or private key in a PEM text, each carrying the fields of where it was
 * found. With `locate`, each leak gets the line of its own block (a scanned file); without, the
 * line in `base` (a report finding's line).
 */
export function leaksFromPem(text: string, base: Omit<LeakFields, 'kind'>, locate?: LineLocator): PemLeaks {
  const { credentials, unreadable } = readPemCredentials(text);
  const leaks = credentials.map((credential) =>
    createLeak({
      ...base,
      kind: credential.kind,
      certificatePem: credential.certificatePem,
      thumbprint: credential.thumbprint,
      publicKeyFingerprint: credential.publicKeyFingerprint,
      ...(locate === undefined ? {} : { line: locate(credential.offset) }),
    }),
  );
  return { leaks, unreadable };
}

/**
 * A report finding whose secret is PEM, as leaks and rejections: a block that cannot be read is
 * unusable; a finding without any certificate or RSA/EC key (an OpenSSH or PGP key) is skipped.
 */
export function readPemFinding(
  text: string,
  base: Omit<LeakFields, 'kind'>,
  at: { index: number } | { line: number },
  label: string,
): LeakParseResult {
  const { leaks, unreadable } = leaksFromPem(text, base);
  const rejected: LeakRejection[] = unreadable.map((problem) => ({
    ...at,
    reason: `${label}: ${problem.reason}`,
    skipped: false,
  }));
  if (leaks.length === 0 && unreadable.length === 0) {
    rejected.push({ ...at, reason: `${label}: not a certificate or a key type Entra uses`, skipped: true });
  }
  return { leaks, rejected };
}
