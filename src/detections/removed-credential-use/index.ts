import type { RemovedCredential, SignIn } from '../../domain/index.ts';
import { type DetectionCandidate, defineSignInDetection, networkOf, signInCandidate } from '../detection.ts';

const RISK_EVENT_TYPE = 'removedCredentialUsed';

/** What the detection knows of a principal: its removed credentials. */
export interface RemovedCredentialContext {
  removed: readonly RemovedCredential[];
}

/** Tunables of the removed-credential detection. */
export interface RemovedCredentialParameters {
  /** Contributing sign-in ids kept in the explanation. */
  maxEvidence: number;
}

/**
 * A **successful** sign-in with a credential after it was removed (Vigil extension, high). Entra
 * refuses a removed credential, so the credential is still valid where the workload signs in: the
 * removal never reached the directory (a remediation applied in Vigil but not run in Entra), or the
 * principal has a twin elsewhere. After a remediation it means whoever held the old credential
 * still gets in. One detection per credential, its activity time the first such sign-in.
 */
export const removedCredentialUseDetection = defineSignInDetection<
  RemovedCredentialParameters,
  RemovedCredentialContext
>({
  id: 'removed-credential-use',
  riskEventType: RISK_EVENT_TYPE,
  title: 'Sign-in with a removed credential',
  description:
    'The principal signed in successfully with a credential after it had been removed: the credential still works.',
  defaultParameters: { maxEvidence: 50 },
  open(principal, context, parameters) {
    const byKeyId = new Map<string, RemovedCredential>();
    const byThumbprint = new Map<string, RemovedCredential>();
    for (const c of context.removed) {
      byKeyId.set(c.keyId.toLowerCase(), c);
      if (c.thumbprint) byThumbprint.set(c.thumbprint.toUpperCase(), c);
    }
    const found = new Map<string, { credential: RemovedCredential; signIns: SignIn[] }>();
    // A workload signs in with the same credential over and over: its key id, compared as text, spares
    // lower-casing it for the look-up every time.
    let lastKey: string | null | undefined;
    let lastByKey: RemovedCredential | undefined;
    return {
      add(s) {
        if (s.statusCode !== 0 || context.removed.length === 0) return;
        const key = s.credentialKeyId ?? s.federatedCredentialId;
        if (key !== lastKey) {
          lastKey = key;
          lastByKey = key === null ? undefined : byKeyId.get(key.toLowerCase());
        }
        const credential =
          lastByKey ??
          (s.credentialThumbprint ? byThumbprint.get(s.credentialThumbprint.toUpperCase()) : undefined);
        if (credential === undefined || s.createdAt <= credential.removedAt) return;
        const entry = found.get(credential.keyId);
        if (entry) entry.signIns.push(s);
        else found.set(credential.keyId, { credential, signIns: [s] });
      },
      finish: () =>
        [...found.values()].map(({ credential, signIns }) =>
          candidateOf(
            `${principal.tenantId}|${principal.principalId}|${RISK_EVENT_TYPE}|${credential.keyId}`,
            credential,
            signIns,
            parameters,
          ),
        ),
    };
  },
});

const WORD: Record<RemovedCredential['type'], string> = {
  password: 'client secret',
  certificate: 'certificate',
  federated: 'federated identity credential',
};

function candidateOf(
  dedupeKey: string,
  c: RemovedCredential,
  signIns: SignIn[],
  p: RemovedCredentialParameters,
): DetectionCandidate {
  const first = signIns[0]!;
  const n = signIns.length;
  const owner = c.ownerType === 'application' ? "the application's" : "the service principal's";
  return signInCandidate(
    dedupeKey,
    RISK_EVENT_TYPE,
    'high',
    signIns,
    [c.keyId],
    [
      {
        Key: 'reason',
        Value:
          `Signed in successfully ${n === 1 ? 'once' : `${n} times`} with ${owner} ${WORD[c.type]} ${c.keyId}, ` +
          `removed ${c.removedAt}${c.removedBy ? ` by ${c.removedBy}` : ''}. Entra refuses a removed credential: ` +
          'it is still valid where the workload signs in. Remove it in Entra and treat it as compromised.',
      },
      {
        Key: 'credential',
        Value: {
          keyId: c.keyId,
          type: c.type,
          owner: c.ownerType,
          thumbprint: c.thumbprint,
          removedDateTime: c.removedAt,
          removedBy: c.removedBy,
        },
      },
      { Key: 'network', Value: networkOf(first) },
      { Key: 'signIns', Value: n },
      { Key: 'lastSignInDateTime', Value: signIns[n - 1]!.createdAt },
      { Key: 'contributingSignInIds', Value: signIns.slice(0, p.maxEvidence).map((s) => s.id) },
    ],
  );
}
