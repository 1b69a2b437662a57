import type { DetectionCandidate, InfoEntry } from '../detections/detection.ts';
import type { Credential } from '../domain/index.ts';
import type { SecretHash } from '../leaks/client-secret-hash.ts';
import { confirmLeakLive } from '../leaks/confirm-leak-live.ts';
import { type Leak, redactSecret } from '../leaks/leak.ts';
import { type LeakMatchOutcome, matchLeak } from '../leaks/match-leak.ts';
import { readCertificate } from '../leaks/read-certificate.ts';
import type { LiveSecretCheck, LiveSecretRequest } from '../leaks/verify-secret-live.ts';
import { detectionId } from '../risk/detection-id.ts';
import type { Store } from '../store/open-store.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { rowToCredential } from '../store/rows/inventory-rows.ts';
import { recordDetections } from './record-detections.ts';

/** One leak and what became of it. */
export interface LeakFinding {
  /** Where the leak was seen, for a person: file and line, or URL. */
  where: string;
  kind: Leak['kind'];
  outcome: LeakMatchOutcome;
  keyIds: string[];
  how: string;
  /** What a live token request answered, when one was made; null otherwise. */
  liveCheck: string | null;
  /** The service principal a detection was raised on, if any. */
  principalId: string | null;
  detectionId: string | null;
}

/** Counts of a leak run, by outcome, and the findings. */
export interface LeakRunResult {
  leaks: number;
  confirmed: number;
  probable: number;
  stale: number;
  /** Refused by the token endpoint of a live check: the secret no longer works. */
  invalid: number;
  noMatch: number;
  /** Live token requests made. */
  liveChecks: number;
  detections: number;
  findings: LeakFinding[];
}

/** Options of a leak run. */
export interface LeakRunOptions {
  /**
   * Tries a leaked client secret with a live token request (see `verifySecretLive`). Given, every
   * probable client-secret match is settled by one request per app: confirmed, invalid (not
   * raised) or left probable when the answer proves nothing. Absent, no secret leaves the process.
   */
  verifySecret?(request: LiveSecretRequest): Promise<LiveSecretCheck>;
}

/**
 * Matches leaks against the tenant's credential inventory and raises a `leakedCredentials`
 * detection (high) on the service principal of every currently valid credential a leak matches,
 * confirmed or probable. Stale leaks (expired or removed credentials) are reported, not raised. With
 * `options.verifySecret`, probable client secrets are tried live first (once per secret and app in
 * a run), and a secret the token endpoint refuses is reported as invalid, not raised. A
 * leak already known (same principal and credentials) updates its detection without re-raising a
 * detection an administrator has dismissed.
 */
export async function raiseLeakDetections(
  store: Store,
  tenantId: string,
  leaks: readonly Leak[],
  now: string,
  options: LeakRunOptions = {},
): Promise<LeakRunResult> {
  const risk = createRiskQueries(store);
  const credentialRows = await store.db
    .selectFrom('credentials')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .execute();
  const credentials: Credential[] = credentialRows.map(rowToCredential);
  const principals = await store.db
    .selectFrom('service_principals')
    .select(['id', 'app_id'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const applications = await store.db
    .selectFrom('applications')
    .select(['id', 'app_id'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const ownerAppIds = new Map<string, string>();
  const principalOfApp = new Map<string, string>();
  for (const p of principals) {
    if (p.app_id) {
      ownerAppIds.set(p.id, p.app_id);
      principalOfApp.set(p.app_id, p.id);
    }
  }
  for (const a of applications) if (a.app_id) ownerAppIds.set(a.id, a.app_id);
  const ownerOf = new Map(credentials.map((c) => [c.keyId, c]));
  // What Vigil holds of credentials it issued or registered itself confirms a leak of them exactly.
  const secretHashes = new Map<string, SecretHash>();
  const publicKeyFingerprints = new Map<string, string>();
  for (const r of credentialRows) {
    if (r.secret_salt !== null && r.secret_hash !== null) {
      secretHashes.set(r.key_id, { salt: r.secret_salt, hash: r.secret_hash });
    }
    const fingerprint = r.certificate === null ? null : readCertificate(r.certificate)?.publicKeyFingerprint;
    if (fingerprint) publicKeyFingerprints.set(r.key_id, fingerprint);
  }

  const result: LeakRunResult = {
    leaks: leaks.length,
    confirmed: 0,
    probable: 0,
    stale: 0,
    invalid: 0,
    noMatch: 0,
    liveChecks: 0,
    detections: 0,
    findings: [],
  };
  // The same secret often leaks in several places: it is tried once per app. Kept for this run only.
  const verifySecret = options.verifySecret;
  const asked = new Map<string, Promise<LiveSecretCheck>>();
  for (const leak of leaks) {
    const matched = matchLeak(leak, credentials, { now, ownerAppIds, secretHashes, publicKeyFingerprints });
    const m =
      verifySecret === undefined
        ? { ...matched, liveCheck: null }
        : await confirmLeakLive(leak, matched, credentials, {
            appIdOf: (c) => ownerAppIds.get(c.ownerId) ?? null,
            check: (request) => {
              const key = JSON.stringify([request.tenantId, request.appId, request.secret]);
              let answer = asked.get(key);
              if (answer === undefined) {
                result.liveChecks++;
                answer = verifySecret(request);
                asked.set(key, answer);
              }
              return answer;
            },
          });
    result[m.outcome]++;
    const finding: LeakFinding = {
      where: leak.file ? `${leak.file}${leak.line ? `:${leak.line}` : ''}` : (leak.url ?? leak.source),
      kind: leak.kind,
      outcome: m.outcome,
      keyIds: m.keyIds,
      how: m.how,
      liveCheck: m.liveCheck,
      principalId: null,
      detectionId: null,
    };
    result.findings.push(finding);
    if (m.outcome !== 'confirmed' && m.outcome !== 'probable') continue;
    // The detection goes on the service principal: the credential's own, or its application's.
    const owner = ownerOf.get(m.keyIds[0] ?? '');
    const principalId =
      owner === undefined
        ? null
        : owner.ownerType === 'servicePrincipal'
          ? owner.ownerId
          : (principalOfApp.get(ownerAppIds.get(owner.ownerId) ?? '') ?? null);
    if (principalId === null) continue;
    const keyIds = [...m.keyIds].sort();
    const dedupeKey = `${tenantId}|${principalId}|leakedCredentials|${keyIds.join(',')}`;
    const candidate: DetectionCandidate = {
      dedupeKey,
      riskEventType: 'leakedCredentials',
      riskLevel: 'high',
      activity: 'servicePrincipal',
      activityDateTime: leak.foundAt ?? now,
      ipAddress: null,
      location: null,
      keyIds,
      requestId: null,
      correlationId: null,
      additionalInfo: [
        { Key: 'match', Value: m.how },
        { Key: 'confidence', Value: m.outcome },
        { Key: 'liveTokenRequest', Value: m.liveCheck },
        { Key: 'source', Value: leak.source },
        { Key: 'detector', Value: leak.detector },
        { Key: 'url', Value: leak.url },
        { Key: 'file', Value: leak.file },
        { Key: 'line', Value: leak.line },
        { Key: 'commit', Value: leak.commit },
        { Key: 'secret', Value: leak.secret ? redactSecret(leak.secret) : null },
        { Key: 'thumbprint', Value: leak.thumbprint },
      ],
    };
    const id = detectionId(dedupeKey);
    const [fresh] = await risk.transaction(async (trx) => {
      const earlier = await trx
        .selectFrom('risk_detections')
        .select('additional_info')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      keepConfirmation(candidate.additionalInfo, earlier?.additional_info ?? null);
      return recordDetections(trx, risk, tenantId, principalId, [candidate], now);
    });
    if (fresh) result.detections++;
    finding.principalId = principalId;
    finding.detectionId = id;
  }
  return result;
}

// What a detection says about how its leak was proved; a later, weaker match keeps the earlier proof.
const PROOF_KEYS = ['match', 'confidence', 'liveTokenRequest'];

/**
 * A probable match of a credential whose detection was confirmed before (by a live token request
 * or a stored hash) keeps the confirmation: a run without `--verify` proves nothing new.
 */
function keepConfirmation(info: InfoEntry[], earlierJson: string | null): void {
  if (earlierJson === null) return;
  const confidence = (entries: readonly InfoEntry[]) => entries.find((e) => e.Key === 'confidence')?.Value;
  let earlier: InfoEntry[];
  try {
    const parsed: unknown = JSON.parse(earlierJson);
    if (!Array.isArray(parsed)) return;
    earlier = parsed as InfoEntry[];
  } catch {
    return;
  }
  if (confidence(info) !== 'probable' || confidence(earlier) !== 'confirmed') return;
  for (const entry of info) {
    const kept = earlier.find((e) => e.Key === entry.Key);
    if (kept !== undefined && PROOF_KEYS.includes(entry.Key)) entry.Value = kept.Value;
  }
}
