import { decodeProtectedHeader, importX509, jwtVerify } from 'jose';

/** The audience Graph requires of an addKey/removeKey proof: Azure AD Graph's application id. */
export const PROOF_AUDIENCE = '00000002-0000-0000-c000-000000000000';
/** Graph accepts proofs valid for at most ten minutes. */
const MAX_PROOF_LIFETIME_SECONDS = 600;

/** A current certificate of the object, as Vigil holds it. */
export interface ProofCertificate {
  keyId: string;
  /** SHA-1 thumbprint, upper-case hex. */
  thumbprint: string | null;
  pem: string;
}

/** How a proof fared: verified by one of the object's certificates, or refused with the reason. */
export type ProofCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/**
 * Checks Graph's proof of possession for a key change: a JWT signed with the private key of one of
 * the object's current certificates, audience `00000002-0000-0000-c000-000000000000`, issuer the
 * object's id, valid now for at most ten minutes. Only certificates Vigil holds can be checked; the
 * caller decides what an object whose certificates Vigil does not hold means.
 */
export async function verifyKeyProof(
  proof: string,
  objectId: string,
  certificates: readonly ProofCertificate[],
  now: Date,
): Promise<ProofCheck> {
  let thumbprint: string | null = null;
  try {
    const header = decodeProtectedHeader(proof);
    if (typeof header.x5t === 'string') {
      thumbprint = Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase();
    }
  } catch {
    return { ok: false, reason: 'the proof is not a JWT' };
  }
  const candidates =
    thumbprint === null ? certificates : certificates.filter((c) => c.thumbprint === thumbprint);
  if (candidates.length === 0) {
    return { ok: false, reason: 'the proof is not signed by a current certificate of the object' };
  }
  let last = 'the proof is not signed by a current certificate of the object';
  for (const c of candidates) {
    try {
      const key = await importX509(c.pem, 'RS256');
      const { payload } = await jwtVerify(proof, key, {
        audience: PROOF_AUDIENCE,
        issuer: objectId,
        algorithms: ['RS256'],
        currentDate: now,
        requiredClaims: ['nbf', 'exp'],
      });
      if ((payload.exp ?? 0) - (payload.nbf ?? 0) > MAX_PROOF_LIFETIME_SECONDS) {
        return { ok: false, reason: 'the proof is valid for more than ten minutes' };
      }
      return { ok: true, keyId: c.keyId };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') continue;
      last = `the proof was refused: ${(err as Error).message}`;
    }
  }
  return { ok: false, reason: last };
}
