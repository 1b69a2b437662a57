import { privateKeyFingerprint } from './private-key-fingerprint.ts';
import { readCertificate } from './read-certificate.ts';

/** A certificate or private key read from PEM text. A private key keeps only its fingerprint. */
export interface PemCredential {
  kind: 'certificate' | 'privateKey';
  /** Offset of the `-----BEGIN` line in the text. */
  offset: number;
  /** The certificate, for a certificate or for a private key found with its certificate. */
  certificatePem: string | null;
  thumbprint: string | null;
  publicKeyFingerprint: string;
}

/** A PEM block that looked like a credential but could not be read. */
export interface UnreadablePem {
  offset: number;
  label: string;
  reason: string;
}

/** What `readPemCredentials` found. */
export interface PemCredentials {
  credentials: PemCredential[];
  unreadable: UnreadablePem[];
}

// Keys worth a look for Entra: PKCS#8, PKCS#1 RSA and SEC1 EC. The body stops at the next `-----`
// and at 20 000 characters (a 16384-bit RSA key is ~13 KB of PEM), so a BEGIN without its END costs
// little however large the file.
const PEM_BLOCK =
  /-----BEGIN (CERTIFICATE|PRIVATE KEY|RSA PRIVATE KEY|EC PRIVATE KEY)-----((?:[^-]|-(?!----)){0,20000}?)-----END \1-----/g;
// PEM pasted into JSON, YAML or .env files arrives with escaped line breaks or indentation.
const PEM_NOISE = /\\r|\\n|\s+/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Certificates and private keys in a text, however the PEM was pasted (escaped `\n` in JSON strings,
 * indented YAML, one long line). A private key found in the same text as its certificate becomes one
 * credential carrying both, so it can match by thumbprint; the certificate is not reported again.
 */
export function readPemCredentials(text: string): PemCredentials {
  const certificates: PemCredential[] = [];
  const keys: PemCredential[] = [];
  const unreadable: UnreadablePem[] = [];
  if (!text.includes('-----BEGIN ')) return { credentials: [], unreadable };
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1]!;
    const body = match[2]!.replace(PEM_NOISE, '');
    if (!BASE64.test(body)) {
      unreadable.push({ offset: match.index, label, reason: `${label} block is encrypted or malformed` });
      continue;
    }
    const pem = `-----BEGIN ${label}-----\n${body.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
    if (label === 'CERTIFICATE') {
      const certificate = readCertificate(pem);
      if (certificate === null) {
        unreadable.push({ offset: match.index, label, reason: 'certificate could not be parsed' });
        continue;
      }
      certificates.push({
        kind: 'certificate',
        offset: match.index,
        certificatePem: certificate.pem,
        thumbprint: certificate.thumbprint,
        publicKeyFingerprint: certificate.publicKeyFingerprint,
      });
    } else {
      const fingerprint = privateKeyFingerprint(pem);
      if (fingerprint === null) {
        unreadable.push({
          offset: match.index,
          label,
          reason: 'private key could not be parsed (truncated?)',
        });
        continue;
      }
      keys.push({
        kind: 'privateKey',
        offset: match.index,
        certificatePem: null,
        thumbprint: null,
        publicKeyFingerprint: fingerprint,
      });
    }
  }
  const paired = new Set<PemCredential>();
  for (const key of keys) {
    const certificate = certificates.find((c) => c.publicKeyFingerprint === key.publicKeyFingerprint);
    if (certificate === undefined) continue;
    key.certificatePem = certificate.certificatePem;
    key.thumbprint = certificate.thumbprint;
    paired.add(certificate);
  }
  const credentials = [...certificates.filter((c) => !paired.has(c)), ...keys].sort(
    (a, b) => a.offset - b.offset,
  );
  return { credentials, unreadable };
}
