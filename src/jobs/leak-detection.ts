import type { DetectionCandidate } from '../detections/detection.ts';
import type { Credential } from '../domain/index.ts';
import { type Leak, redactSecret } from '../leaks/leak.ts';
import { type LeakMatchOutcome, matchLeak } from '../leaks/match-leak.ts';
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
  noMatch: number;
  detections: number;
  findings: LeakFinding[];
}

/**
 * Matches leaks against the tenant's credential inventory and raises a `leakedCredentials`
 * detection (high) on the service principal of every currently valid credential a leak matches,
 * confirmed or probable. Stale leaks (expired or removed credentials) are reported, not raised. A
 * leak already known (same principal and credentials) updates its detection without re-raising a
 * detection an administrator has dismissed.
 */
export async function raiseLeakDetections(
  store: Store,
  tenantId: string,
  leaks: readonly Leak[],
  now: string,
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

  const result: LeakRunResult = {
    leaks: leaks.length,
    confirmed: 0,
    probable: 0,
    stale: 0,
    noMatch: 0,
    detections: 0,
    findings: [],
  };
  for (const leak of leaks) {
    const m = matchLeak(leak, credentials, { now, ownerAppIds });
    result[m.outcome]++;
    const finding: LeakFinding = {
      where: leak.file ? `${leak.file}${leak.line ? `:${leak.line}` : ''}` : (leak.url ?? leak.source),
      kind: leak.kind,
      outcome: m.outcome,
      keyIds: m.keyIds,
      how: m.how,
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
    const [fresh] = await risk.transaction((trx) =>
      recordDetections(trx, risk, tenantId, principalId, [candidate], now),
    );
    if (fresh) result.detections++;
    const id = detectionId(dedupeKey);
    finding.principalId = principalId;
    finding.detectionId = id;
  }
  return result;
}
